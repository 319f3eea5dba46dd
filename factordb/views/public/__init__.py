"""The public pages: anyone, no account. Reads go through the selectors the API uses, so a
page shows exactly what the API serves (published data only); views only render."""
