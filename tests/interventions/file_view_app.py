"""A one-view Streamlit script for AppTest: the intervention file of ``?id=`` as the
``Actor`` the test puts in ``st.session_state["actor"]`` (the app's shell is tested
elsewhere; here only the file view runs)."""

import streamlit as st

from ui.context import require_roles
from ui.interventions.file import render_file

actor = require_roles("admin", "responsable", "technicien", "client")
render_file(actor, st.query_params.get("id"))
