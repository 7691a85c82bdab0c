"""Problems as data: reading, validating and running the catalogue."""
