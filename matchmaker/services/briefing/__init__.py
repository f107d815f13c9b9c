"""The city briefing: concrete achievements of a city over a period, for elected officials.

features (the "feature in briefing" mark staff put on an introduction, with its summary),
period (the dates asked for, validated), scope (which city a viewer may brief on),
report (the assembled sections, structured data only), pdf (the same report as a PDF).
"""
