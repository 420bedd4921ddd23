"""The hostile and faulty submission corpus (issue 5): notebooks built from the real ones at test time."""
