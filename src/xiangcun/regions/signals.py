"""Signals for the apps above regions, which the region tree must not import."""

from django.dispatch import Signal

# regions whose place in the tree changed (a new parent or level; their descendants too), by `pks`: what hangs
# below them may now lie in another township or county (the registry keeps its county: households.counties)
regions_moved = Signal()
