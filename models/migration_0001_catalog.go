package models

const schemaCatalog = `
CREATE TABLE associations (
	id {{id}},
	slug VARCHAR(80) NOT NULL UNIQUE,
	name VARCHAR(160) NOT NULL,
	region VARCHAR(20) NOT NULL CHECK (region IN ('lima','junin','ayacucho','puno')),
	active BOOLEAN NOT NULL DEFAULT TRUE,
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL
);
CREATE TABLE producer_groups (
	id {{id}},
	slug VARCHAR(80) NOT NULL UNIQUE,
	name VARCHAR(160) NOT NULL,
	association_id BIGINT NOT NULL REFERENCES associations(id),
	region VARCHAR(20) NOT NULL CHECK (region IN ('lima','junin','ayacucho','puno')),
	place VARCHAR(120) NOT NULL,
	craft VARCHAR(40) NOT NULL,
	artisans INTEGER NOT NULL CHECK (artisans >= 0),
	women_percent INTEGER NOT NULL CHECK (women_percent BETWEEN 0 AND 100),
	assembly_cadence VARCHAR(20) NOT NULL CHECK (assembly_cadence IN ('weekly','monthly')),
	story_es TEXT NOT NULL,
	story_en TEXT NOT NULL,
	photo VARCHAR(200) NOT NULL,
	active BOOLEAN NOT NULL DEFAULT TRUE,
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL
);
CREATE INDEX ix_producer_groups_association ON producer_groups(association_id);
CREATE INDEX ix_producer_groups_region ON producer_groups(region);
CREATE TABLE products (
	id {{id}},
	slug VARCHAR(120) NOT NULL UNIQUE,
	name_es VARCHAR(200) NOT NULL,
	name_en VARCHAR(200) NOT NULL,
	description_es TEXT NOT NULL,
	description_en TEXT NOT NULL,
	craft VARCHAR(40) NOT NULL,
	technique_es VARCHAR(300) NOT NULL,
	technique_en VARCHAR(300) NOT NULL,
	materials_es VARCHAR(300) NOT NULL,
	materials_en VARCHAR(300) NOT NULL,
	search_text TEXT NOT NULL DEFAULT '',
	group_id BIGINT NOT NULL REFERENCES producer_groups(id),
	image VARCHAR(200) NOT NULL,
	stock INTEGER NOT NULL CHECK (stock >= 0),
	wholesale_min_qty INTEGER NOT NULL CHECK (wholesale_min_qty >= 1),
	published BOOLEAN NOT NULL DEFAULT TRUE,
	featured BOOLEAN NOT NULL DEFAULT FALSE,
	currency VARCHAR(3) NOT NULL,
	price_amount BIGINT NOT NULL CHECK (price_amount >= 0),
	wholesale_price_amount BIGINT NOT NULL CHECK (wholesale_price_amount >= 0),
	paid_to_artisans_amount BIGINT NOT NULL CHECK (paid_to_artisans_amount >= 0),
	retail_breakdown_id BIGINT,
	wholesale_breakdown_id BIGINT,
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL
);
CREATE INDEX ix_products_group ON products(group_id);
-- One index per catalog sort order, so a page is an index range scan and
-- never a sort of the whole catalog; (published, group_id) also answers
-- the per-group counts from the index alone.
CREATE INDEX ix_products_featured ON products(published, featured DESC, id);
CREATE INDEX ix_products_price ON products(published, price_amount, id);
CREATE INDEX ix_products_newest ON products(published, created_at DESC, id DESC);
CREATE INDEX ix_products_name_es ON products(published, name_es, id);
CREATE INDEX ix_products_name_en ON products(published, name_en, id);
CREATE INDEX ix_products_published_group ON products(published, group_id);
CREATE INDEX ix_products_craft ON products(craft, published, price_amount);
CREATE TABLE price_breakdowns (
	id {{id}},
	product_id BIGINT NOT NULL REFERENCES products(id),
	channel VARCHAR(12) NOT NULL CHECK (channel IN ('retail','wholesale')),
	version INTEGER NOT NULL CHECK (version >= 1),
	currency VARCHAR(3) NOT NULL,
	price BIGINT NOT NULL CHECK (price > 0),
	artisan_labour BIGINT NOT NULL CHECK (artisan_labour >= 0),
	artisan_materials BIGINT NOT NULL CHECK (artisan_materials >= 0),
	community_fund BIGINT NOT NULL CHECK (community_fund >= 0),
	ciap_operations BIGINT NOT NULL CHECK (ciap_operations >= 0),
	logistics BIGINT NOT NULL CHECK (logistics >= 0),
	payment_fees BIGINT NOT NULL CHECK (payment_fees >= 0),
	taxes BIGINT NOT NULL CHECK (taxes >= 0),
	margin BIGINT NOT NULL CHECK (margin >= 0),
	local_market_price BIGINT NOT NULL CHECK (local_market_price >= 0),
	labour_minutes INTEGER NOT NULL CHECK (labour_minutes > 0),
	created_by VARCHAR(200) NOT NULL,
	reason VARCHAR(500) NOT NULL,
	created_at {{ts}} NOT NULL,
	UNIQUE (product_id, channel, version),
	-- The database itself refuses a breakdown that does not add up.
	CHECK (artisan_labour + artisan_materials + community_fund + ciap_operations
		+ logistics + payment_fees + taxes + margin = price)
);
CREATE TABLE catalog_state (
	id INTEGER PRIMARY KEY,
	version BIGINT NOT NULL
);
INSERT INTO catalog_state (id, version) VALUES (1, 1);
`
