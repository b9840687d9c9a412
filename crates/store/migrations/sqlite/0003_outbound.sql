-- Outbound calls: the international rate table (PRODUCT.md §6) is data admins edit, seeded by
-- the cloud from assets/international-rates.csv when empty.
CREATE TABLE international_rates (
    -- calling code, digits only ('81', '1', '852')
    code TEXT PRIMARY KEY CHECK (code <> '' AND code NOT GLOB '*[^0-9]*'),
    price_cu INTEGER NOT NULL CHECK (price_cu >= 0),
    country TEXT NOT NULL
);
