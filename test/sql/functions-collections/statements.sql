-- Array and map functions, constructors and element access.
CREATE STREAM baskets (id INT KEY, items ARRAY<STRING>, prices MAP<STRING, INT>)
  WITH (KAFKA_TOPIC='baskets', VALUE_FORMAT='JSON');

CREATE STREAM basket_facts AS
  SELECT id,
         ARRAY_LENGTH(items) AS item_count,
         ARRAY_DISTINCT(items) AS distinct_items,
         ARRAY_SORT(items, 'DESC') AS sorted_desc,
         ARRAY_CONTAINS(items, 'tea') AS has_tea,
         ARRAY_JOIN(items, '|') AS joined,
         ARRAY_UNION(items, ARRAY['bread']) AS with_bread,
         items[1] AS first_item,
         SLICE(items, 1, 2) AS first_two,
         MAP_KEYS(prices) AS priced,
         ARRAY_MAX(MAP_VALUES(prices)) AS max_price,
         prices['tea'] AS tea_price,
         MAP_UNION(prices, MAP('jam' := 4)) AS with_jam,
         AS_MAP(ARRAY['a', 'b'], ARRAY[1, 2]) AS built,
         GENERATE_SERIES(1, 3) AS series,
         ELT(2, 'x', 'y', 'z') AS second,
         FIELD('y', 'x', 'y', 'z') AS y_position
  FROM baskets
  EMIT CHANGES;
