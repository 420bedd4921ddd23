"""Tools for the people who write the course: the release, the demo class, nbgrader's stub preprocessor, the setup
cell, the student wheel, the message catalogues and the README's assignment table (``python -m autograder
release|demo|wheel|catalogues|readme``)."""
