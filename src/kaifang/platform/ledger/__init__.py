"""The measures ledger on the platform (see README.md in this folder for the service API)."""
