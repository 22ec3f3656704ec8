"""One module per resource; each route a few lines calling optimiser/."""
