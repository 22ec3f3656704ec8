"""Files in and out: JSON, workbooks, CSV folders, pandas frames."""
