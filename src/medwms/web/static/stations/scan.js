/* Scan check station: the scan field alone, posting to /api/v1/scan/parse. */
"use strict";
MedScan.attach(document.getElementById("scan"));
