"""UDI barcodes: parse what scanners type, render symbols and labels that scan back."""
