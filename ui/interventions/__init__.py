"""Views of the interventions page (``pages/interventions.py`` chooses one).

``filters`` (view and criteria ↔ URL), ``cards`` (a card and its status menu), ``board``
(a column per status), ``list`` (SQL-paged table and exports), ``my_work`` (a technician's
day and week), ``create`` (new intervention or client request). The intervention file
(``?id=``) lives in its own modules.
"""
