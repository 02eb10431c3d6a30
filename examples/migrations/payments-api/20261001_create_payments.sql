CREATE TABLE payments (
  id uuid PRIMARY KEY,
  order_id text NOT NULL,
  amount_cents bigint NOT NULL,
  currency char(3) NOT NULL,
  status text NOT NULL DEFAULT 'authorised',
  created_at timestamptz NOT NULL DEFAULT now()
);
