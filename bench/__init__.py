"""Benchmark of the app at demo scale and at a large scale (``make bench``, ``python -m bench``).

* ``bench.run`` — the command: builds or reuses a small and a large database, measures, prints
  one table and writes ``bench/results/<timestamp>.json``;
* ``bench.worker`` — the measurements that must run in a process of their own (every page
  under ``streamlit.testing.v1.AppTest``, the exports), so that peak memory is theirs alone;
* ``bench.compare`` — two result files side by side (``python -m bench.compare old new``).

Nothing here asserts a duration: the numbers are printed and stored, the reader judges.
"""
