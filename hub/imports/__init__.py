"""National accounting exports in: SIE (Sweden), DATEV (Germany), CSV/Excel trial balances of any
package; each read to a trial balance and saved as a draft version of the STATEMENTS report."""
