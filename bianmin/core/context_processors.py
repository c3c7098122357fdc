from . import product as _product
from .roles_context import workbench_context


def workbench(request):
    return workbench_context(request)


def product(request):
    return {"product_name": _product.NAME}
