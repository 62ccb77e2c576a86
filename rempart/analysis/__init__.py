"""Analysis: classifiers, raid detection, and the scenario simulator."""
