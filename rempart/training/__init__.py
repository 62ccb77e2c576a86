"""Training and evaluation of the abuse classifier.

They sit beside the runtime classifier (:mod:`rempart.analysis.classify`), which never imports
this package. Modules:

- :mod:`.datasets`: the training and evaluation datasets, mapped onto rempart's outputs;
- :mod:`.synthetic`: rempart's synthetic templates for the categories with little data;
- :mod:`.build`: train the classifier reproducibly and write the model folder;
- :mod:`.train_command`: ``rempart train`` (and ``--check``, the bit-for-bit rebuild);
- :mod:`.evaluation`: ``rempart evaluate``, the quality tables;
- :mod:`.functional_suite`: the hand-written functional suite (cases in
  ``resources/functional_cases.toml``) and its runner;
- :mod:`.metrics`: ROC-AUC, PR-AUC, thresholds and tables.
"""
