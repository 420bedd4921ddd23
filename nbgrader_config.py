"""nbgrader configuration: the repository root is the course directory (see autograder/README.md)."""
import os

from autograder.authoring.stub_preprocessor import generate_assignment_preprocessors

c = get_config()  # noqa: F821 -- provided by nbgrader when it loads this file

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "assignments"
c.CourseDirectory.submitted_directory = "submissions"
c.CourseDirectory.autograded_directory = "grading/nbgrader/autograded"
c.CourseDirectory.feedback_directory = "grading/nbgrader/feedback"  # make grade writes its own pages to grading/feedback

# Stubs name their task: raise NotImplementedError("softmax: replace this line with your code")
c.GenerateAssignment.preprocessors = generate_assignment_preprocessors()

# Cells that train on Fashion-MNIST can run for minutes on a busy machine (nbgrader's default: 30 s)
c.Execute.timeout = 600
