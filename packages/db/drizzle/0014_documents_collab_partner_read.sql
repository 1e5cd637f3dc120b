-- Partners may read the stored content of the documents they can see (for exports), and nothing
-- else of the collab store: the deals' own docs and unshared documents stay invisible. The app's
-- owner role bypasses these policies; the live server keeps using it.
GRANT SELECT ON collab_docs, collab_updates TO konsort_partner;
--> statement-breakpoint
ALTER TABLE collab_docs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE collab_updates ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
-- documents is itself row-level secured for konsort_partner: the sub-select sees only shared ones.
CREATE POLICY collab_docs_partner ON collab_docs FOR SELECT TO konsort_partner
  USING (name LIKE 'document:%' AND EXISTS (SELECT 1 FROM documents d WHERE 'document:' || d.id::text = collab_docs.name));
--> statement-breakpoint
CREATE POLICY collab_updates_partner ON collab_updates FOR SELECT TO konsort_partner
  USING (doc_name LIKE 'document:%' AND EXISTS (SELECT 1 FROM documents d WHERE 'document:' || d.id::text = collab_updates.doc_name));
