"""Reports built from a case's typed views: the court file's legal qualification and
deadlines (:mod:`.legal`), and the dossier (:mod:`.dossier`). Reports know nothing of a case
folder: the case layer (:func:`rempart.case.report`) gathers the views, writes the file and
records the ``report`` custody entry."""
