"""The coach's call report: HTML that prints well, plots as images, and a PDF.

``belcoach report`` and the replay window's Report button both call
`belcoach.audio.review.report.build.write_report`.
"""
