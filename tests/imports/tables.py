"""Trial balance exports as accounting packages write them, built here for the tests (the
figures are made up; the layouts are those of the packages' usual exports)."""

from __future__ import annotations

import io

from openpyxl import Workbook

# Belgium, a PCMN ledger's "balance des comptes" in Windows-1252: ';', decimal comma, thousands
# dot, a title line and a blank line above the titles, a class total, the grand total.
BELGIAN = (
    "Balance des comptes généraux au 31/12/2024;;;\r\n"
    ";;;\r\n"
    "Compte;Libellé;Débit;Crédit\r\n"
    "100000;Capital souscrit;;18.600,00\r\n"
    "140000;Bénéfice reporté;;2.150,35\r\n"
    "Total classe 1;;0,00;20.750,35\r\n"
    "400000;Clients;12.400,50;\r\n"
    "440000;Fournisseurs;;3.210,15\r\n"
    "550000;Banque — compte courant;9.871,00;\r\n"
    "604000;Achats de marchandises;1.250,00;\r\n"
    "610000;Services et biens divers;2.439,00;\r\n"
    "700000;Chiffre d'affaires;;2.000,00\r\n"
    "Total général;;25.960,50;25.960,50\r\n"
)

# Austria, a BMD "Saldenliste" in UTF-8 with a byte order mark: Soll and Haben totals and the
# Saldo (debit positive), decimal comma, no thousands separator.
AUSTRIAN = (
    "\ufeffKonto;Bezeichnung;Soll;Haben;Saldo\r\n"
    "2700;Kassa;1520,00;320,00;1200,00\r\n"
    "2800;Bank;50000,00;12500,55;37499,45\r\n"
    "3300;Lieferverbindlichkeiten;2000,00;9000,00;-7000,00\r\n"
    "9390;Bilanzgewinn;0,00;31699,45;-31699,45\r\n"
)

# Italy: "Conto;Descrizione;Dare;Avere", UTF-8, decimal comma and thousands dot.
ITALIAN = (
    "Conto;Descrizione;Dare;Avere\n"
    "10.01.001;Cassa contanti;1.500,00;\n"
    "10.02.001;Banca c/c;24.300,10;\n"
    "40.01.001;Debiti verso fornitori;;5.800,10\n"
    "28.01.001;Capitale sociale;;20.000,00\n"
    "TOTALE;;25.800,10;25.800,10\n"
)


def belgian_workbook() -> bytes:
    """The Belgian balance as an Excel sheet: a title row above the titles, numbers as numbers."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Balance"
    sheet.append(["SmartCoop — balance des comptes 2024"])
    sheet.append(["Compte", "Libellé", "Débit", "Crédit"])
    sheet.append([100000, "Capital souscrit", None, 18600])
    sheet.append([400000, "Clients", 12400.5, None])
    sheet.append([550000, "Banque", 8199.5, None])
    sheet.append(["604000", "Achats de marchandises", 1250, 0])
    sheet.append([700000, "Chiffre d'affaires", None, "3.250,00"])
    sheet.append(["Total", None, 21850, 21850])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
