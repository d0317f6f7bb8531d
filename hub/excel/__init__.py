"""The reporting workbook: the template a national team downloads, and the upload it sends back."""
