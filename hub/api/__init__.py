"""The web vocabulary every capability speaks: scalars, errors and how failures are answered,
presentation of figures, input checks, request ids and headers. It imports no capability; the
assembly (hub/assembly/) puts the capabilities together on top."""
