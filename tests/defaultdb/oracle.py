"""Queries and expected rows from the real corpus (via the spec's §2 oracle facts)."""

from __future__ import annotations

#: (corpus file and test, SQL, expected rows as the sqlite3 shell prints them).
ORACLE = [
    ("agg-functions select-count-2", "SELECT count(*) FROM users", "10000"),
    ("agg-functions select-avg", "SELECT avg(age) FROM users", "50.4576"),
    ("agg-functions select-sum", "SELECT sum(age) FROM users", "504576"),
    ("agg-functions select-total", "SELECT total(age) FROM users", "504576.0"),
    (
        "agg-functions select-agg-binary-unary-negative",
        "SELECT min(age) + -max(age) FROM users",
        "-99",
    ),
    ("agg-functions select-max-text", "SELECT max(first_name) FROM users", "Zula"),
    (
        "coalesce coalesce-from-table-multiple-columns",
        "select coalesce(NULL, age), coalesce(NULL, id) from users"
        " where age = 94 limit 1",
        "94|21",
    ),
    (
        "join join-using",
        "select * from users join products using (id) limit 3",
        "1|Dan|Parker|caden@example.org|436.726.1331 x867|Davonte Mountains"
        "|Hodkiewicz side|NJ|758|31|hat|82.9389679823547\n"
        "2|Chaz|Zemlak|kip@example.com|(242) 091-6326 x60303|Dibbert Street"
        "|Noe mouth|ND|656|10|cap|32.2475410444338\n"
        "3|Edmond|Doyle|rubye@example.com|(706) 742-0480 x647|Remington Shore"
        "|West Rigoberto Welch side|NY|843|83|shirt|22.7209470048471",
    ),
    (
        "where nested-parens-conditionals-and-double-or",
        "SELECT * FROM users WHERE ((age > 30 OR age < 20) AND (state = 'NY'"
        " OR state = 'CA')) AND first_name glob 'An*' order by id",
        "87|Antonia|Weber|carole@example.org|246-841-4611 x364|Casey Roads"
        "|Watsica side|CA|687|78\n"
        "308|Angelo|Murphy|dallin@example.net|550.247.0891 x538|Coralie Hollow"
        "|Frami mouth|CA|97854|92\n"
        "1734|Antonina|Kunde|faustino@example.org|981-504-2398 x5149|Koelpin Pine"
        "|Hammes burgh|CA|983|36\n"
        "6192|Antwan|Corkery|frederique@example.org|(703) 464-9976 x710"
        "|VonRueden Port|Kutch burgh|NY|5242|31",
    ),
    (
        "orderby (products by price)",
        "select * from products order by price",
        "10|coat|8.85709624556419\n3|shirt|22.7209470048471\n"
        "5|sweatshirt|23.8100541984648\n2|cap|32.2475410444338\n"
        "8|sneakers|36.1006791183673\n11|accessories|47.5875632652657\n"
        "7|jeans|47.9379799632405\n6|shorts|50.0363795824125\n"
        "9|boots|59.7782771700224\n4|sweater|68.9227440029754\n1|hat|82.9389679823547",
    ),
    (
        "groupby group_by_function_expression",
        "select length(phone_number), count(1) from users"
        " group by length(phone_number) order by count(1)",
        "14|1231\n21|1240\n18|1245\n12|1255\n17|1259\n20|1263\n19|2507",
    ),
    (
        "groupby group_by_function_expression_ridiculous",
        "select upper(substr(phone_number, 1,3)), count(1) from users"
        " group by upper(substr(phone_number, 1,3)) order by -1 * count(1) limit 5",
        "1-1|325\n1-8|306\n1-9|281\n1-7|274\n1-3|273",
    ),
    (
        "groupby group_by_count_star_in_expression",
        "select u.first_name, count(*) % 3 from users u group by u.first_name"
        " order by u.first_name limit 3",
        "Aaliyah|2\nAaron|0\nAbagail|2",
    ),
    (
        "orderby order-by-agg-not-mentioned-in-select",
        "select u.first_name, length(group_concat(u.last_name)) from users u"
        " group by u.first_name order by max(u.email) desc limit 5",
        "Karley|19\nLonnie|36\nKristofer|39\nKoby|26\nKailyn|47",
    ),
    (
        "agg-functions select-with-group-by-and-agg-2",
        "select first_name, last_name from users where state = 'AL'"
        " group by last_name limit 10",
        "Ottis|Abernathy\nDewayne|Auer\nMariela|Bailey\nAmely|Becker\nKorbin|Beer\n"
        "Catalina|Berge\nLayne|Bernier\nUlices|Bins\nKade|Bosco\nKaley|Botsford",
    ),
    (
        "where nested-parens-conditionals-or-and-or",
        "SELECT count(*) FROM users WHERE ((age > 25 OR age < 18)"
        " AND (city = 'Boston' OR state = 'MA'))",
        "176",
    ),
    (
        "like where-like-another-column",
        "select first_name, last_name from users where last_name like first_name",
        "Brown|Brown\nWalter|Walter\nFay|Fay",
    ),
    (
        "like where-like-another-column-prefix-2",
        "select count(*) from users where last_name like 'Wal#ter' escape '#'",
        "29",
    ),
    (
        "window window-partition-by",
        "SELECT first_name, sum(age) OVER (PARTITION BY zipcode) FROM users u LIMIT 10",
        "Britney|97\nKaci|97\nSelena|97\nIsaac|68\nOdessa|76\nCharles|93\nLew|26\n"
        "Neil|329\nOnie|329\nHannah|329",
    ),
    (
        "groupby group_by_no_sorting_required_and_const_agg_arg",
        "select group_concat(state, ',') from users group by age limit 1",
        "DE,NY,MS,SC,ME,SC,UT,WY,MN,KY,OR,OR,WY,IL,TN,ID,WY,NY,DE,WA,ND,NE,OH,NE,"
        "KS,WV,OK,KS,LA,DE,RI,RI,WA,PA,WY,ND,MD,MA,NC,MD,OR,SC,ME,VT,TX,IN,GA,AL,"
        "WY,WA,LA,ME,WY,AK,WV,WY,NC,MN,NM,OH,RI,KY,VT,NV,UT,TN,AL,WV,NE,AL,ND,CT,"
        "NH,RI,NJ,ID,IL,CT,OK,AZ,HI,AZ,IA,MO,PA,NV,MD,AZ,KY,IA,NH,CT,KS,SC,KY,MN",
    ),
    # Read directly from corpus files, beyond the spec's list.
    (
        "offset select-offset-0-groupby",
        "SELECT COUNT(*) FROM users GROUP BY STATE ORDER BY STATE LIMIT 5 OFFSET 0",
        "207\n206\n224\n194\n196",
    ),
    (
        "offset select-offset-subquery",
        "SELECT id, first_name, age FROM (SELECT id, first_name, age FROM users"
        " ORDER BY id ASC LIMIT 5 OFFSET 2) ORDER BY id DESC",
        "7|Lilly|33\n6|Roscoe|27\n5|Nikko|39\n4|Krystel|88\n3|Edmond|83",
    ),
    (
        "glob where-glob",
        "select * from products where name glob 'sweat*'",
        "4|sweater|68.9227440029754\n5|sweatshirt|23.8100541984648",
    ),
    (
        "math add-agg-int-agg-float-2",
        "SELECT sum(id) + sum(price) from products",
        "546.938229577949",
    ),
]
