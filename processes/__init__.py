"""The hotline domain: catalogue, cases, acceptance scope, departments, calendar, service tasks, reports."""
