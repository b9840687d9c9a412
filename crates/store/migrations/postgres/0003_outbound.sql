-- Outbound calls: the international rate table is data admins edit (docs/product.md), seeded by
-- the cloud from assets/international-rates.csv when empty.
CREATE TABLE international_rates (
    -- calling code, digits only ('81', '1', '852')
    code TEXT PRIMARY KEY CHECK (code ~ '^[0-9]+$'),
    price_cu BIGINT NOT NULL CHECK (price_cu >= 0 AND price_cu <= 4294967295),
    country TEXT NOT NULL
);
