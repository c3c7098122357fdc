"""The one working-time module: every deadline in bianmin is computed here (DESIGN rule 4)."""
