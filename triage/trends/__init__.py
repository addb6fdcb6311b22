"""Trends: complaints → count series per period and group → seasonal baselines and spike
detectors → alerts with expected, observed and why → stored alerts, refresh and digest.

``counts``, ``detectors``, ``baselines``, ``glm_batch`` and ``alerts`` work on pandas frames
alone; ``refresh`` and ``digest`` read and write the store.  Nothing here imports the model.
"""
