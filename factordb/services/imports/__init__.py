"""Factor imports: a spreadsheet (CSV or XLSX) read, checked, previewed and written as drafts.

columns: the template's columns; cells: one cell's text to a value; reading: a file to rows;
planning: rows to a plan (what each row would do, every error); applying: a plan to drafts.
docs/import-format.md is the users' description of the same format.
"""
