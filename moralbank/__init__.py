"""The moral bank (道德银行) as districts run it: households, the assessment, partner banks, the green card."""
