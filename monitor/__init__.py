"""Presa: press monitoring for a Romanian prefect's chancellery."""
