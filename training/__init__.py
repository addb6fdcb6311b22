"""The analysts' commands: sample, train, evaluate, predict, spikes, models, drift (argparse).

:mod:`training.cli` is the one ``triage`` entry point: it also registers the operators'
commands of ``ops`` by module name, so neither package imports the other.
"""
