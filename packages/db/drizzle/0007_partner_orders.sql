-- Partners see the orders their own organisation placed on deals shared with it: the second
-- wall behind the policy's `visible(principal).orders()` scope.
GRANT SELECT ON orders, order_lines, order_events TO konsort_partner;
--> statement-breakpoint
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY orders_partner ON orders FOR SELECT TO konsort_partner
  USING (partner_org_id = konsort_partner_org()
         AND EXISTS (SELECT 1 FROM opportunity_shares s
                     WHERE s.opportunity_id = orders.opportunity_id AND s.partner_org_id = konsort_partner_org()));
--> statement-breakpoint
ALTER TABLE order_lines ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY order_lines_partner ON order_lines FOR SELECT TO konsort_partner
  USING (EXISTS (SELECT 1 FROM orders o WHERE o.id = order_lines.order_id));
--> statement-breakpoint
ALTER TABLE order_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY order_events_partner ON order_events FOR SELECT TO konsort_partner
  USING (EXISTS (SELECT 1 FROM orders o WHERE o.id = order_events.order_id));
