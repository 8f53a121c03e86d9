"""The serving file BI tools read: published atomically from the warehouse's marts."""
