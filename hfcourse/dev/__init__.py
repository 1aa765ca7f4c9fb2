"""Maintainer tools, never imported by a lesson."""
