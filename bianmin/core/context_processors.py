from .roles_context import workbench_context


def workbench(request):
    return workbench_context(request)
