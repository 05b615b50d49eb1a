"""opendata: validate versioned CSV datasets and publish them as a bilingual open-data site."""
