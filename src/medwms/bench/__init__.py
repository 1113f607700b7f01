"""`medwms bench`: generate a warehouse-scale data set and measure medwms against its goals.

The runnable harness lives in the package (so `medwms bench` works from an installed
package); the repository's `bench/` folder holds the README and thin scripts.
"""
