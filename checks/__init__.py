"""The checks, one module per family. Each module registers its checks on import;
:func:`auditor.checking.load_all` imports them all."""
