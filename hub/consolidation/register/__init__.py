"""The acquisition register kept by finance: acquisitions, changes of the share held, impairments
of goodwill, opening positions (IFRS 3, IFRS 10, IAS 21)."""
