"""Complaint exports of other systems: SP4N-LAPOR! (``lapor``), read and checked whole.

A reader turns an export file into validated rows, or into a list of the rows it cannot read
with their spreadsheet row numbers; it touches no database (the store writes what it returns).
``labelled`` reads a training table, translating a LAPOR! export into the training columns.

Imports ``triage.errors``, ``triage.periods``, ``triage.tables``, ``triage.text`` and
``triage.casework`` (for the lifecycle's state names); never ``triage.store``, the model or
anything above them.
"""
