"""UDI barcodes: parse what scanners type, render symbols and labels that scan back."""

from medwms.barcode.errors import SCAN_ERROR_CODES, ScanError
from medwms.barcode.front import parse_scan
from medwms.barcode.gs1 import DEFAULT_GS_SUBSTITUTES
from medwms.barcode.gs1_fields import whole_item
from medwms.barcode.hibc import pair_hibc
from medwms.barcode.internal import document_number
from medwms.barcode.scan import Scan, ScanWarning

__all__ = [
    "DEFAULT_GS_SUBSTITUTES",
    "SCAN_ERROR_CODES",
    "Scan",
    "ScanError",
    "ScanWarning",
    "document_number",
    "pair_hibc",
    "parse_scan",
    "whole_item",
]
