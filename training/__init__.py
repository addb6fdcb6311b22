"""Command-line tools for analysts and operators: sample data, training, evaluation, prediction."""
