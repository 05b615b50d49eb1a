"""Data Ketenagakerjaan Kota Serang: the stages that turn datasets/ into site/."""
