package demo

// products: Soles is the retail price (IGV included), Minutes the labour
// per piece. Prices and minutes are chosen so that the hourly pay is at or
// above the minimum wage; priceFor checks it.
var products = []ProductSpec{
	// Taller Familiar Puka Wasi — retablos, Huamanga
	{
		Slug: "retablo-fiesta-patronal", Group: "taller-puka-wasi",
		NameES: "Retablo grande de la fiesta patronal", NameEN: "Large retablo of the patron saint's feast",
		DescriptionES: "Retablo de cedro de 55 × 38 cm con tres pisos: arriba los santos patronos, en medio la procesión con su banda de músicos y abajo la feria con sus vendedoras. " +
			"Las puertas están pintadas por dentro con flores y aves. Una pieza de colección para apoyar o colgar en la pared.",
		DescriptionEN: "A 55 × 38 cm cedar retablo with three floors: the patron saints at the top, the procession with its brass band in the middle and the fair with its stallholders below. " +
			"The inside of the doors is painted with flowers and birds. A collector's piece to stand or hang on the wall.",
		Soles: 650, Minutes: 40 * 60, Stock: 3, MinQty: 3, Featured: true,
	},
	{
		Slug: "retablo-herranza", Group: "taller-puka-wasi",
		NameES: "Retablo de la herranza", NameEN: "Herranza retablo",
		DescriptionES: "Retablo de 35 × 24 cm con dos pisos que cuentan la herranza, la fiesta en que se marca el ganado: arriba los apus y el cóndor, abajo las familias con cintas de colores y el músico del wakrapuku. " +
			"Se abre con dos puertas pintadas con claveles.",
		DescriptionEN: "A 35 × 24 cm retablo with two floors telling the herranza, the feast when cattle are marked: the mountain spirits and the condor above, families with coloured ribbons and the wakrapuku horn player below. " +
			"It opens with two doors painted with carnations.",
		Soles: 320, Minutes: 20 * 60, Stock: 6, MinQty: 4,
	},
	{
		Slug: "retablo-taller-retablista", Group: "taller-puka-wasi",
		NameES: "Retablo del taller del retablista", NameEN: "Retablo of the retablo maker's workshop",
		DescriptionES: "Retablo de 25 × 17 cm que muestra el propio taller: el maestro modelando figuras, su esposa pintando y los niños lijando cajas. " +
			"Dos pisos y puertas con flores; ideal para una repisa.",
		DescriptionEN: "A 25 × 17 cm retablo showing the workshop itself: the master modelling figures, his wife painting and the children sanding boxes. " +
			"Two floors and flowered doors; made for a shelf.",
		Soles: 180, Minutes: 11 * 60, Stock: 10, MinQty: 6,
	},
	{
		Slug: "retablo-miniatura", Group: "taller-puka-wasi",
		NameES: "Retablo miniatura", NameEN: "Miniature retablo",
		DescriptionES: "Retablo de 8 × 6 cm con un solo piso y tres figuritas de músicos, en una caja de cedro con puertas. " +
			"Un recuerdo pequeño de Ayacucho o un adorno para el árbol de Navidad.",
		DescriptionEN: "An 8 × 6 cm retablo with a single floor and three tiny musicians, in a cedar box with doors. " +
			"A small keepsake from Ayacucho or a Christmas tree ornament.",
		Soles: 35, Minutes: 120, Stock: 40, MinQty: 12,
	},

	// Grupo de Mujeres Retablistas Illapa — retablos, Huamanga
	{
		Slug: "retablo-mercado-huamanga", Group: "mujeres-illapa",
		NameES: "Retablo del mercado de Huamanga", NameEN: "Huamanga market retablo",
		DescriptionES: "Retablo de 30 × 21 cm: en el piso alto la iglesia y la plaza, en el bajo las vendedoras de papa, queso y flores con sus sombreros y mantas. " +
			"Las puertas llevan pintada una guirnalda de cantutas.",
		DescriptionEN: "A 30 × 21 cm retablo: the church and square on the upper floor, and on the lower one the women selling potatoes, cheese and flowers in their hats and shawls. " +
			"The doors are painted with a garland of cantuta flowers.",
		Soles: 260, Minutes: 15 * 60, Stock: 8, MinQty: 4,
	},
	{
		Slug: "retablo-mujeres-tejedoras", Group: "mujeres-illapa",
		NameES: "Retablo de las tejedoras", NameEN: "Weavers' retablo",
		DescriptionES: "Retablo de 28 × 19 cm en homenaje a las tejedoras: arriba hilan con la pushka, abajo tejen en telar de cintura mientras los niños juegan. " +
			"Firmado por la retablista que lo modeló.",
		DescriptionEN: "A 28 × 19 cm retablo honouring weavers: above they spin with the drop spindle, below they weave on backstrap looms while children play. " +
			"Signed by the woman who modelled it.",
		Soles: 220, Minutes: 14 * 60, Stock: 7, MinQty: 4,
	},
	{
		Slug: "retablo-carnaval-ayacuchano", Group: "mujeres-illapa",
		NameES: "Retablo pequeño del carnaval ayacuchano", NameEN: "Small Ayacucho carnival retablo",
		DescriptionES: "Retablo de 15 × 10 cm con una comparsa de carnaval: bailarinas con polleras, un guitarrista y un tocador de tinya. " +
			"Un piso, colores vivos y puertas con flores.",
		DescriptionEN: "A 15 × 10 cm retablo with a carnival troupe: dancers in layered skirts, a guitarist and a tinya drummer. " +
			"One floor, bright colours and flowered doors.",
		Soles: 95, Minutes: 6 * 60, Stock: 15, MinQty: 6,
	},

	// Tejedoras Qolla Sisa — tapestries, Santa Ana
	{
		Slug: "tapiz-camino-wari", Group: "tejedoras-qolla-sisa",
		NameES: "Tapiz grande Camino Wari", NameEN: "Large Wari Path tapestry",
		DescriptionES: "Tapiz de 150 × 100 cm tejido con lana teñida con cochinilla, nogal e índigo, con una hilera de rombos escalonados unidos por un camino en zigzag, diseño inspirado en los textiles wari. " +
			"Lleva barra de madera para colgarlo en la pared.",
		DescriptionEN: "A 150 × 100 cm tapestry woven with wool dyed with cochineal, walnut and indigo, with a row of stepped diamonds joined by a zigzag path, a design inspired by Wari textiles. " +
			"Comes with a wooden rod to hang it on the wall.",
		Soles: 650, Minutes: 40 * 60, Stock: 2, MinQty: 3, Featured: true,
	},
	{
		Slug: "tapiz-rombos-escalonados", Group: "tejedoras-qolla-sisa",
		NameES: "Tapiz de rombos escalonados", NameEN: "Stepped diamond tapestry",
		DescriptionES: "Tapiz de 100 × 70 cm con tres rombos escalonados concéntricos en rojo cochinilla, crema y marrón nogal, y flecos anudados a mano. " +
			"Para pared o como pie de cama.",
		DescriptionEN: "A 100 × 70 cm tapestry with three concentric stepped diamonds in cochineal red, cream and walnut brown, and hand-knotted fringes. " +
			"For a wall or the foot of a bed.",
		Soles: 380, Minutes: 23 * 60, Stock: 5, MinQty: 3,
	},
	{
		Slug: "funda-cojin-chakana", Group: "tejedoras-qolla-sisa",
		NameES: "Funda de cojín Chakana", NameEN: "Chakana cushion cover",
		DescriptionES: "Funda de cojín de 45 × 45 cm tejida en tapiz con la cruz andina escalonada (chakana) al centro; reverso de tela de algodón y cierre. " +
			"Se vende sin relleno.",
		DescriptionEN: "A 45 × 45 cm tapestry-woven cushion cover with the stepped Andean cross (chakana) in the centre; cotton back with a zip. " +
			"Sold without filling.",
		MaterialsES: "Lana de oveja con tintes naturales, reverso de algodón", MaterialsEN: "Naturally dyed sheep's wool, cotton back",
		Soles: 120, Minutes: 7 * 60, Stock: 20, MinQty: 6,
	},
	{
		Slug: "camino-mesa-tapiz", Group: "tejedoras-qolla-sisa",
		NameES: "Camino de mesa tejido en tapiz", NameEN: "Tapestry-woven table runner",
		DescriptionES: "Camino de mesa de 180 × 35 cm con una greca de olas y rombos pequeños en índigo y crema. " +
			"Tejido apretado y resistente, lavable a mano en agua fría.",
		DescriptionEN: "A 180 × 35 cm table runner with a border of waves and small diamonds in indigo and cream. " +
			"A tight, hard-wearing weave, hand-washable in cold water.",
		Soles: 160, Minutes: 10 * 60, Stock: 12, MinQty: 4,
	},

	// Tejedoras Sara Tika — tapestries, Santa Ana
	{
		Slug: "tapiz-pachamama", Group: "tejedoras-sara-tika",
		NameES: "Tapiz Pachamama", NameEN: "Pachamama tapestry",
		DescriptionES: "Tapiz de 120 × 80 cm con la Madre Tierra al centro, rodeada de mazorcas de maíz, el sol y la luna, en rojos de cochinilla y verdes de chilca. " +
			"Se teje por encargo: la próxima pieza estará lista en unas semanas.",
		DescriptionEN: "A 120 × 80 cm tapestry with Mother Earth in the centre, surrounded by maize cobs, the sun and the moon, in cochineal reds and chilca greens. " +
			"Woven to order: the next piece will be ready in a few weeks.",
		Soles: 540, Minutes: 32 * 60, Stock: 0, MinQty: 3,
	},
	{
		Slug: "tapiz-apus-maiz", Group: "tejedoras-sara-tika",
		NameES: "Tapiz Apus y maíz", NameEN: "Apus and maize tapestry",
		DescriptionES: "Tapiz de 90 × 60 cm con tres montañas escalonadas (los apus) sobre una franja de mazorcas, en colores naturales de lana. " +
			"Para colgar en la pared; incluye barra de madera.",
		DescriptionEN: "A 90 × 60 cm tapestry with three stepped mountains (the apus) above a band of maize cobs, in natural wool colours. " +
			"To hang on the wall; wooden rod included.",
		Soles: 320, Minutes: 19 * 60, Stock: 4, MinQty: 3,
	},
	{
		Slug: "tapiz-pequeno-pared", Group: "tejedoras-sara-tika",
		NameES: "Tapiz pequeño de pared", NameEN: "Small wall tapestry",
		DescriptionES: "Tapiz de 40 × 30 cm con un rombo escalonado y una greca de pájaros. " +
			"Un regalo ligero que viaja bien en una carta.",
		DescriptionEN: "A 40 × 30 cm tapestry with a stepped diamond and a border of birds. " +
			"A light gift that travels well in an envelope.",
		Soles: 85, Minutes: 5 * 60, Stock: 25, MinQty: 8,
	},

	// Ceramistas de la Pampa — Quinua ceramics
	{
		Slug: "iglesia-quinua-grande", Group: "ceramistas-pampa-quinua",
		NameES: "Iglesia de Quinua grande", NameEN: "Large Quinua church",
		DescriptionES: "Iglesia de cerámica de 40 cm de alto con dos torres, campanario y cruz, pintada con engobes crema y rojizos y flores en la fachada. " +
			"En Quinua se coloca sobre el techo para proteger la casa; también luce en una repisa.",
		DescriptionEN: "A 40 cm tall ceramic church with two towers, a belfry and a cross, painted with cream and reddish slips and flowers on the façade. " +
			"In Quinua it is set on the roof to protect the house; it also looks fine on a shelf.",
		Soles: 180, Minutes: 10 * 60, Stock: 6, MinQty: 3, Featured: true,
	},
	{
		Slug: "iglesia-quinua-pequena", Group: "ceramistas-pampa-quinua",
		NameES: "Iglesia de Quinua pequeña", NameEN: "Small Quinua church",
		DescriptionES: "Iglesita de 15 cm de alto con dos torres y una puerta en arco, pintada a mano en crema y terracota. " +
			"La pieza más querida de Quinua, para la casa nueva o como recuerdo.",
		DescriptionEN: "A 15 cm tall little church with two towers and an arched door, hand-painted in cream and terracotta. " +
			"Quinua's best-loved piece, for a new home or as a keepsake.",
		Soles: 45, Minutes: 150, Stock: 30, MinQty: 12,
	},
	{
		Slug: "casita-quinua", Group: "ceramistas-pampa-quinua",
		NameES: "Casita de Quinua con techo de tejas", NameEN: "Quinua house with a tiled roof",
		DescriptionES: "Casita de cerámica de 12 cm con techo de tejas, balcón y una pareja de toritos en la cumbrera. " +
			"Se usa como adorno o portavelas pequeño.",
		DescriptionEN: "A 12 cm ceramic house with a tiled roof, a balcony and a pair of little bulls on the ridge. " +
			"An ornament or a small candle holder.",
		Soles: 38, Minutes: 130, Stock: 35, MinQty: 12,
	},
	{
		Slug: "cruz-de-tejado", Group: "ceramistas-pampa-quinua",
		NameES: "Cruz de tejado con toritos", NameEN: "Roof cross with bulls",
		DescriptionES: "Cruz de cerámica de 25 cm sobre una base con dos toritos, una escalera y una botella de chicha, símbolos de protección y prosperidad. " +
			"Para techo o jardín; resiste la intemperie.",
		DescriptionEN: "A 25 cm ceramic cross on a base with two bulls, a ladder and a chicha bottle, symbols of protection and plenty. " +
			"For a roof or garden; weather-resistant.",
		Soles: 65, Minutes: 4 * 60, Stock: 18, MinQty: 6,
	},

	// Taller Wari Manka — Quinua ceramic figures
	{
		Slug: "banda-musicos-quinua", Group: "ceramistas-wari-manka",
		NameES: "Banda de músicos de Quinua", NameEN: "Quinua band of musicians",
		DescriptionES: "Cinco músicos de cerámica de 14 cm: arpista, violinista, quenista, tocador de tinya y cantora, con sombreros y ponchos pintados. " +
			"Cada figura se modela por separado.",
		DescriptionEN: "Five 14 cm ceramic musicians: harpist, fiddler, quena flute player, tinya drummer and singer, with painted hats and ponchos. " +
			"Each figure is modelled separately.",
		Soles: 150, Minutes: 9 * 60, Stock: 9, MinQty: 4,
	},
	{
		Slug: "vendedora-de-frutas", Group: "ceramistas-wari-manka",
		NameES: "Vendedora de frutas", NameEN: "Fruit seller",
		DescriptionES: "Figura de cerámica de 18 cm: una mujer sentada con su sombrero alto y su canasta de frutas, en crema, terracota y verde. " +
			"Homenaje a las vendedoras del mercado de Quinua.",
		DescriptionEN: "An 18 cm ceramic figure: a seated woman in her tall hat with a basket of fruit, in cream, terracotta and green. " +
			"A tribute to the market women of Quinua.",
		Soles: 55, Minutes: 190, Stock: 20, MinQty: 6,
	},
	{
		Slug: "jarra-paloma", Group: "ceramistas-wari-manka",
		NameES: "Jarra con paloma", NameEN: "Jug with a dove",
		DescriptionES: "Jarra de cerámica de 22 cm con una paloma modelada en el asa y flores pintadas con engobe. " +
			"Decorativa o para flores secas; no apta para alimentos.",
		DescriptionEN: "A 22 cm ceramic jug with a dove modelled on the handle and flowers painted in slip. " +
			"Decorative or for dried flowers; not for food.",
		Soles: 75, Minutes: 270, Stock: 14, MinQty: 6,
	},

	// Tallistas Yuraq Rumi — Huamanga stone
	{
		Slug: "virgen-piedra-huamanga", Group: "tallistas-yuraq-rumi",
		NameES: "Virgen andina en piedra de Huamanga", NameEN: "Andean Virgin in Huamanga stone",
		DescriptionES: "Figura de 20 cm tallada en un solo bloque de piedra de Huamanga: la Virgen con manta y sombrero, las manos juntas y los pliegues del vestido marcados a cuchilla. " +
			"La piedra blanca deja pasar la luz en los bordes.",
		DescriptionEN: "A 20 cm figure carved from a single block of Huamanga stone: the Virgin in a shawl and hat, hands joined, the folds of her dress cut with a knife. " +
			"The white stone lets light through at the edges.",
		Soles: 140, Minutes: 8 * 60, Stock: 8, MinQty: 4,
	},
	{
		Slug: "llamas-piedra-huamanga", Group: "tallistas-yuraq-rumi",
		NameES: "Pareja de llamas en piedra de Huamanga", NameEN: "Pair of llamas in Huamanga stone",
		DescriptionES: "Dos llamas de 8 cm talladas y pulidas con cera, con el vellón marcado en líneas finas. " +
			"Pisapapeles o adorno de escritorio.",
		DescriptionEN: "Two 8 cm llamas carved and wax-polished, their fleece marked in fine lines. " +
			"A paperweight or desk ornament.",
		Soles: 60, Minutes: 210, Stock: 22, MinQty: 8,
	},
	{
		Slug: "ajedrez-piedra-huamanga", Group: "tallistas-yuraq-rumi",
		NameES: "Ajedrez de piedra de Huamanga: incas y españoles", NameEN: "Huamanga stone chess set: Incas and Spaniards",
		DescriptionES: "Juego de 32 piezas de 4 a 8 cm: los incas en piedra blanca y los españoles en piedra teñida de marrón, con tablero de madera de 40 × 40 cm. " +
			"Cada pieza se talla y pule a mano.",
		DescriptionEN: "A set of 32 pieces from 4 to 8 cm: the Incas in white stone and the Spaniards in brown-stained stone, with a 40 × 40 cm wooden board. " +
			"Every piece is carved and polished by hand.",
		MaterialsES: "Piedra de Huamanga, tinte vegetal, tablero de madera", MaterialsEN: "Huamanga stone, vegetable stain, wooden board",
		Soles: 420, Minutes: 25 * 60, Stock: 2, MinQty: 3,
	},

	// Taller de Nacimientos Belén Llaqta — nativities, Huamanga
	{
		Slug: "nacimiento-piedra-huamanga", Group: "nacimientos-huamanga",
		NameES: "Nacimiento en piedra de Huamanga, 9 piezas", NameEN: "Huamanga stone nativity, 9 pieces",
		DescriptionES: "Nacimiento de 9 piezas de 4 a 10 cm: la Virgen, San José, el Niño, tres reyes, un pastor, una llama y una vaca, tallados en piedra blanca. " +
			"Se guarda en una caja de cartón con divisiones.",
		DescriptionEN: "A 9-piece nativity from 4 to 10 cm: Mary, Joseph, the Child, three kings, a shepherd, a llama and a cow, carved in white stone. " +
			"Kept in a cardboard box with dividers.",
		TechniqueES: "Tallado a mano con cuchillas y limas, pulido con cera", TechniqueEN: "Hand-carved with knives and files, wax-polished",
		MaterialsES: "Piedra de Huamanga (alabastro)", MaterialsEN: "Huamanga stone (alabaster)",
		Soles: 160, Minutes: 10 * 60, Stock: 10, MinQty: 4,
	},
	{
		Slug: "nacimiento-retablo-ayacucho", Group: "nacimientos-huamanga",
		NameES: "Retablo nacimiento", NameEN: "Nativity retablo",
		DescriptionES: "Retablo de 20 × 14 cm con el nacimiento andino: la Sagrada Familia con mantas y chullo, pastores con llamas y una estrella en el frontón. " +
			"Puertas pintadas con flores.",
		DescriptionEN: "A 20 × 14 cm retablo with an Andean nativity: the Holy Family in shawls and a chullo, shepherds with llamas and a star on the pediment. " +
			"Flower-painted doors.",
		TechniqueES: "Caja de madera ensamblada; figuras modeladas en pasta y pintadas a mano", TechniqueEN: "Assembled wooden box; figures modelled in paste and hand-painted",
		MaterialsES: "Madera de cedro, pasta de papa y yeso, pintura acrílica", MaterialsEN: "Cedar wood, potato-and-plaster paste, acrylic paint",
		Soles: 120, Minutes: 8 * 60, Stock: 12, MinQty: 4,
	},
	{
		Slug: "nacimiento-piedra-miniatura", Group: "nacimientos-huamanga",
		NameES: "Nacimiento miniatura en piedra", NameEN: "Miniature stone nativity",
		DescriptionES: "Nacimiento de 5 cm tallado en una sola pieza de piedra de Huamanga: la Sagrada Familia bajo un arco. " +
			"Cabe en la palma de la mano.",
		DescriptionEN: "A 5 cm nativity carved from a single piece of Huamanga stone: the Holy Family under an arch. " +
			"It fits in the palm of a hand.",
		TechniqueES: "Tallado a mano, pulido con cera", TechniqueEN: "Hand-carved, wax-polished",
		MaterialsES: "Piedra de Huamanga (alabastro)", MaterialsEN: "Huamanga stone (alabaster)",
		Soles: 48, Minutes: 3 * 60, Stock: 30, MinQty: 10,
	},

	// Burilistas de Cochas Chico — carved gourds
	{
		Slug: "mate-vida-del-valle", Group: "burilistas-cochas-chico",
		NameES: "Mate burilado grande: la vida en el valle", NameEN: "Large carved gourd: life in the valley",
		DescriptionES: "Mate de 22 cm de alto grabado en cuatro franjas: la siembra, la cosecha, la herranza y la fiesta, con casitas, eucaliptos y el río Mantaro. " +
			"Sombreado a tizón en dorado y marrón; una pieza para mirar de cerca.",
		DescriptionEN: "A 22 cm tall gourd engraved in four bands: sowing, harvest, cattle-marking and the feast, with little houses, eucalyptus trees and the Mantaro river. " +
			"Ember-shaded in gold and brown; a piece to look at closely.",
		Soles: 260, Minutes: 16 * 60, Stock: 5, MinQty: 3, Featured: true,
	},
	{
		Slug: "mate-fiesta-santiago", Group: "burilistas-cochas-chico",
		NameES: "Mate de la fiesta de Santiago", NameEN: "Santiago feast gourd",
		DescriptionES: "Mate de 14 cm con la fiesta de Santiago, cuando se marca el ganado con cintas: músicos con wakrapuku, bailarines y vacas. " +
			"Grabado fino en negro sobre fondo natural.",
		DescriptionEN: "A 14 cm gourd with the Santiago feast, when cattle are marked with ribbons: wakrapuku horn players, dancers and cows. " +
			"Fine black engraving on the natural surface.",
		Soles: 140, Minutes: 9 * 60, Stock: 10, MinQty: 4,
	},
	{
		Slug: "adorno-navideno-mate", Group: "burilistas-cochas-chico",
		NameES: "Adorno navideño de mate", NameEN: "Carved gourd Christmas ornament",
		DescriptionES: "Mate redondo de 6 cm con una estrella y motivos navideños grabados, con cinta roja para colgar. " +
			"Ligero e irrompible: ideal para el árbol.",
		DescriptionEN: "A round 6 cm gourd engraved with a star and Christmas motifs, with a red ribbon to hang it. " +
			"Light and unbreakable: made for the tree.",
		Soles: 25, Minutes: 90, Stock: 40, MinQty: 12,
	},
	{
		Slug: "azucarera-mate", Group: "burilistas-cochas-chico",
		NameES: "Azucarera de mate burilado", NameEN: "Carved gourd sugar bowl",
		DescriptionES: "Azucarera de 10 cm con tapa, grabada con aves y flores del valle; el interior está sellado con cera de abeja. " +
			"Para azúcar o sal, sin contacto con líquidos.",
		DescriptionEN: "A 10 cm sugar bowl with a lid, engraved with valley birds and flowers; the inside is sealed with beeswax. " +
			"For sugar or salt, kept away from liquids.",
		Soles: 85, Minutes: 330, Stock: 15, MinQty: 6,
	},

	// Mates Burilados Hatun Cochas — carved gourds
	{
		Slug: "mate-cosecha", Group: "burilistas-cochas-grande",
		NameES: "Mate con escenas de cosecha", NameEN: "Harvest scenes gourd",
		DescriptionES: "Mate de 16 cm con tres franjas: la siembra de papa con chaquitaclla, la cosecha del maíz y la trilla con caballos. " +
			"Grabado con buril y sombreado a tizón.",
		DescriptionEN: "A 16 cm gourd with three bands: potato sowing with the foot plough, the maize harvest and threshing with horses. " +
			"Burin-engraved and ember-shaded.",
		Soles: 180, Minutes: 12 * 60, Stock: 8, MinQty: 4,
	},
	{
		Slug: "joyero-mate", Group: "burilistas-cochas-grande",
		NameES: "Joyero de mate con tapa", NameEN: "Lidded gourd jewellery box",
		DescriptionES: "Joyero de 12 cm con tapa de bisagra de cuero, grabado con una guirnalda de flores y picaflores. " +
			"Interior forrado en tela roja.",
		DescriptionEN: "A 12 cm jewellery box with a leather-hinged lid, engraved with a garland of flowers and hummingbirds. " +
			"Lined inside with red cloth.",
		MaterialsES: "Calabaza seca, cuero, tela de algodón", MaterialsEN: "Dried gourd, leather, cotton cloth",
		Soles: 95, Minutes: 6 * 60, Stock: 12, MinQty: 6,
	},
	{
		Slug: "mate-aves-flores", Group: "burilistas-cochas-grande",
		NameES: "Mate pequeño de aves y flores", NameEN: "Small gourd with birds and flowers",
		DescriptionES: "Mate de 9 cm grabado con aves y flores entrelazadas, en negro y dorado. " +
			"Un regalo pequeño que cuenta una tradición de siglos.",
		DescriptionEN: "A 9 cm gourd engraved with intertwined birds and flowers, in black and gold. " +
			"A small gift carrying a centuries-old tradition.",
		Soles: 60, Minutes: 4 * 60, Stock: 25, MinQty: 8,
	},

	// Warmi Mate — scorched gourds
	{
		Slug: "lampara-mate", Group: "mates-warmi-cochas",
		NameES: "Lámpara de mate calado", NameEN: "Pierced gourd lamp",
		DescriptionES: "Lámpara de mesa de 25 cm: un mate perforado con cientos de agujeros que proyectan estrellas y flores en la pared, sombreado a tizón. " +
			"Incluye soquete E14, cable de 1,5 m e interruptor.",
		DescriptionEN: "A 25 cm table lamp: a gourd pierced with hundreds of holes that cast stars and flowers on the wall, ember-shaded. " +
			"Includes an E14 socket, a 1.5 m cable and a switch.",
		TechniqueES: "Mate quemado y calado a mano con taladro fino", TechniqueEN: "Scorched gourd, hand-pierced with a fine drill",
		MaterialsES: "Calabaza seca, soquete E14, cable con interruptor", MaterialsEN: "Dried gourd, E14 socket, cable with switch",
		Soles: 150, Minutes: 10 * 60, Stock: 6, MinQty: 3,
	},
	{
		Slug: "adornos-mate-trio", Group: "mates-warmi-cochas",
		NameES: "Tres adornos de mate quemado", NameEN: "Three scorched gourd ornaments",
		DescriptionES: "Juego de tres mates de 5 cm con una llama, un colibrí y una flor de cantuta, sombreados en dorado. " +
			"Con cordón para colgar en el árbol o en una ventana.",
		DescriptionEN: "A set of three 5 cm gourds with a llama, a hummingbird and a cantuta flower, shaded in gold. " +
			"With cords to hang on a tree or in a window.",
		TechniqueES: "Mate quemado: grabado y sombreado con tizón", TechniqueEN: "Scorched gourd: engraved and shaded with an ember",
		Soles: 45, Minutes: 3 * 60, Stock: 30, MinQty: 10,
	},
	{
		Slug: "mate-pachamama", Group: "mates-warmi-cochas",
		NameES: "Mate quemado Pachamama", NameEN: "Pachamama scorched gourd",
		DescriptionES: "Mate de 15 cm con la Madre Tierra rodeada de chacras, el sol y la lluvia, en tonos dorados y marrones del quemado. " +
			"Firmado por la artesana.",
		DescriptionEN: "A 15 cm gourd with Mother Earth surrounded by fields, sun and rain, in the golden and brown tones of scorching. " +
			"Signed by the artisan.",
		TechniqueES: "Mate quemado: grabado y sombreado con tizón", TechniqueEN: "Scorched gourd: engraved and shaded with an ember",
		Soles: 120, Minutes: 450, Stock: 10, MinQty: 4,
	},

	// Hilanderas del Mantaro — treadle loom, Hualhuas
	{
		Slug: "manta-wanka", Group: "hilanderas-mantaro",
		NameES: "Manta de lana con diseños wanka", NameEN: "Wool blanket with Wanka designs",
		DescriptionES: "Manta de 140 × 120 cm de lana de oveja hilada a mano, con franjas de rombos y grecas wanka en rojo, mostaza y gris natural. " +
			"Abriga como frazada o cubre un sofá.",
		DescriptionEN: "A 140 × 120 cm blanket of hand-spun sheep's wool, with bands of diamonds and Wanka fretwork in red, mustard and natural grey. " +
			"Warm as a bed throw or over a sofa.",
		TechniqueES: "Tejido en telar de pedal, lana hilada a mano con pushka", TechniqueEN: "Woven on a treadle loom, wool hand-spun with a drop spindle",
		Soles: 280, Minutes: 18 * 60, Stock: 6, MinQty: 3,
	},
	{
		Slug: "chalina-telar-hualhuas", Group: "hilanderas-mantaro",
		NameES: "Chalina tejida en telar", NameEN: "Loom-woven scarf",
		DescriptionES: "Chalina de 180 × 30 cm de lana de oveja con listas finas en índigo y crema y flecos torcidos a mano. " +
			"Suave y abrigadora.",
		DescriptionEN: "A 180 × 30 cm sheep's wool scarf with fine indigo and cream stripes and hand-twisted fringes. " +
			"Soft and warm.",
		TechniqueES: "Tejido en telar de pedal", TechniqueEN: "Woven on a treadle loom",
		Soles: 90, Minutes: 6 * 60, Stock: 20, MinQty: 6,
	},
	{
		Slug: "bolso-tejido-mantaro", Group: "hilanderas-mantaro",
		NameES: "Bolso tejido con asa", NameEN: "Woven shoulder bag",
		DescriptionES: "Bolso de 30 × 28 cm con asa tejida de 110 cm, forro de algodón y bolsillo interior, con una franja de llamas y rombos. " +
			"Para el día a día.",
		DescriptionEN: "A 30 × 28 cm bag with a 110 cm woven strap, cotton lining and an inner pocket, with a band of llamas and diamonds. " +
			"For everyday use.",
		TechniqueES: "Tejido en telar de pedal, cosido a mano", TechniqueEN: "Woven on a treadle loom, hand-sewn",
		MaterialsES: "Lana de oveja con tintes naturales, forro de algodón", MaterialsEN: "Naturally dyed sheep's wool, cotton lining",
		Soles: 75, Minutes: 5 * 60, Stock: 18, MinQty: 6,
	},

	// Tejedoras de Chumpi de Viques — backstrap loom
	{
		Slug: "chumpi-tradicional-viques", Group: "chumpi-viques",
		NameES: "Chumpi tradicional de Viques", NameEN: "Traditional Viques chumpi sash",
		DescriptionES: "Faja de 300 × 8 cm con el diseño de ojo de perdiz y rombos en rojo, verde y magenta, y trenzas en los extremos. " +
			"Se enrolla en la cintura sobre la pollera, o se usa como camino de mesa.",
		DescriptionEN: "A 300 × 8 cm sash with the partridge-eye design and diamonds in red, green and magenta, and braids at the ends. " +
			"Wrapped round the waist over the skirt, or used as a table runner.",
		Soles: 95, Minutes: 6 * 60, Stock: 16, MinQty: 6,
	},
	{
		Slug: "chumpi-angosto", Group: "chumpi-viques",
		NameES: "Cinturón chumpi angosto", NameEN: "Narrow chumpi belt",
		DescriptionES: "Cinturón de 110 × 4 cm tejido en telar de cintura con una cadena de rombos y flecos para anudar. " +
			"Para pantalón o vestido.",
		DescriptionEN: "A 110 × 4 cm belt woven on a backstrap loom with a chain of diamonds and fringes to tie. " +
			"For trousers or a dress.",
		Soles: 45, Minutes: 3 * 60, Stock: 30, MinQty: 10,
	},
	{
		Slug: "lliclla-viques", Group: "chumpi-viques",
		NameES: "Lliclla de telar de cintura", NameEN: "Backstrap-woven lliclla shawl",
		DescriptionES: "Manta de hombros de 90 × 80 cm tejida en dos paños unidos a mano, con franjas de pallay (diseños recogidos) de flores y aves. " +
			"Las mujeres la usan para abrigarse o cargar a sus bebés.",
		DescriptionEN: "A 90 × 80 cm shoulder cloth woven in two panels joined by hand, with pallay (pick-up pattern) bands of flowers and birds. " +
			"Women wear it for warmth or to carry their babies.",
		Soles: 220, Minutes: 14 * 60, Stock: 4, MinQty: 3,
	},
	{
		Slug: "cinta-sombrero", Group: "chumpi-viques",
		NameES: "Cinta tejida para sombrero", NameEN: "Woven hatband",
		DescriptionES: "Cinta de 70 × 2,5 cm con rombos pequeños en colores vivos, como las que adornan los sombreros de fiesta del valle. " +
			"También sirve de marcador de libros.",
		DescriptionEN: "A 70 × 2.5 cm band with small bright diamonds, like those on the valley's festive hats. " +
			"Also works as a bookmark.",
		Soles: 25, Minutes: 90, Stock: 40, MinQty: 12,
	},

	// Tejedoras Qhapaq Quta — alpaca knitwear, Puno
	{
		Slug: "chullo-alpaca-orejeras", Group: "tejedoras-qhapaq-quta",
		NameES: "Chullo de alpaca con orejeras", NameEN: "Alpaca chullo with ear flaps",
		DescriptionES: "Chullo de alpaca tejido a mano con orejeras, borlas y pompón, con franjas de rombos y llamitas. " +
			"Talla única para adulto (54–58 cm); abriga en la helada del altiplano.",
		DescriptionEN: "A hand-knitted alpaca chullo with ear flaps, tassels and a pompom, with bands of diamonds and little llamas. " +
			"One adult size (54–58 cm); warm enough for a highland frost.",
		Soles: 130, Minutes: 8 * 60, Stock: 24, MinQty: 6, Featured: true,
	},
	{
		Slug: "chompa-alpaca-llamas", Group: "tejedoras-qhapaq-quta",
		NameES: "Chompa de alpaca con llamas", NameEN: "Alpaca sweater with llamas",
		DescriptionES: "Chompa de alpaca tejida a mano, cuello redondo, con una franja de llamas y rombos en el pecho. " +
			"Tallas S a XL; lavar a mano en agua fría y secar en plano.",
		DescriptionEN: "A hand-knitted alpaca crew-neck sweater with a band of llamas and diamonds across the chest. " +
			"Sizes S to XL; hand-wash cold and dry flat.",
		Soles: 420, Minutes: 26 * 60, Stock: 6, MinQty: 3,
	},
	{
		Slug: "chalina-baby-alpaca", Group: "tejedoras-qhapaq-quta",
		NameES: "Chalina de baby alpaca", NameEN: "Baby alpaca scarf",
		DescriptionES: "Chalina de 170 × 25 cm de baby alpaca, muy suave, en punto elástico con franjas de colores naturales. " +
			"No pica y abriga sin peso.",
		DescriptionEN: "A 170 × 25 cm scarf in very soft baby alpaca, rib-knitted with bands of natural colours. " +
			"Doesn't itch and keeps warm without weight.",
		MaterialsES: "Hilo de baby alpaca", MaterialsEN: "Baby alpaca yarn",
		Soles: 150, Minutes: 9 * 60, Stock: 15, MinQty: 4,
	},
	{
		Slug: "mitones-alpaca", Group: "tejedoras-qhapaq-quta",
		NameES: "Mitones de alpaca", NameEN: "Alpaca mittens",
		DescriptionES: "Mitones tejidos a mano con diseño de estrellas andinas y puño elástico. " +
			"Talla de adulto; un par.",
		DescriptionEN: "Hand-knitted mittens with an Andean star design and ribbed cuffs. " +
			"Adult size; one pair.",
		Soles: 70, Minutes: 270, Stock: 20, MinQty: 6,
	},

	// Grupo de Punto Chanu Chanu — knitwear, Puno
	{
		Slug: "chullo-infantil", Group: "punto-chanu-chanu",
		NameES: "Chullo infantil con pompones", NameEN: "Children's chullo with pompoms",
		DescriptionES: "Chullo de alpaca para niños de 2 a 6 años, con orejeras, cordones trenzados y pompones de colores. " +
			"Franjas de flores del altiplano.",
		DescriptionEN: "An alpaca chullo for children aged 2 to 6, with ear flaps, braided ties and coloured pompoms. " +
			"Bands of highland flowers.",
		Soles: 75, Minutes: 270, Stock: 25, MinQty: 6,
	},
	{
		Slug: "chalina-calada", Group: "punto-chanu-chanu",
		NameES: "Chalina calada de alpaca", NameEN: "Alpaca lace scarf",
		DescriptionES: "Chalina de 160 × 30 cm tejida a crochet en punto calado, ligera y elegante, en un solo color natural. " +
			"Se lleva sobre abrigo o vestido.",
		DescriptionEN: "A 160 × 30 cm crocheted lace scarf, light and elegant, in a single natural colour. " +
			"Worn over a coat or a dress.",
		TechniqueES: "Tejido a mano a crochet", TechniqueEN: "Hand-crocheted",
		Soles: 130, Minutes: 8 * 60, Stock: 12, MinQty: 4,
	},
	{
		Slug: "chompa-infantil-condores", Group: "punto-chanu-chanu",
		NameES: "Chompa infantil con cóndores", NameEN: "Children's sweater with condors",
		DescriptionES: "Chompa de alpaca para niños de 4 a 8 años con una franja de cóndores y montañas. " +
			"Botones de madera en el hombro para ponerla fácilmente.",
		DescriptionEN: "An alpaca sweater for children aged 4 to 8 with a band of condors and mountains. " +
			"Wooden shoulder buttons make it easy to put on.",
		Soles: 220, Minutes: 13 * 60, Stock: 8, MinQty: 3,
	},

	// Tejedoras Killa Suyu — knitwear, Juliaca
	{
		Slug: "poncho-alpaca", Group: "tejedoras-killa-suyu",
		NameES: "Poncho de alpaca", NameEN: "Alpaca poncho",
		DescriptionES: "Poncho de alpaca tejido a mano, de 120 × 80 cm, con cuello alto y franjas de rombos en gris, crema y rojo. " +
			"Se teje por encargo: la siguiente pieza estará lista en unas semanas.",
		DescriptionEN: "A hand-knitted 120 × 80 cm alpaca poncho with a high neck and diamond bands in grey, cream and red. " +
			"Knitted to order: the next piece will be ready in a few weeks.",
		Soles: 450, Minutes: 28 * 60, Stock: 0, MinQty: 3,
	},
	{
		Slug: "chullo-multicolor-juliaca", Group: "tejedoras-killa-suyu",
		NameES: "Chullo multicolor de Juliaca", NameEN: "Multicoloured Juliaca chullo",
		DescriptionES: "Chullo de alpaca con orejeras y borlas, tejido con siete colores en franjas de flores, estrellas y cóndores. " +
			"Talla de adulto.",
		DescriptionEN: "An alpaca chullo with ear flaps and tassels, knitted in seven colours with bands of flowers, stars and condors. " +
			"Adult size.",
		Soles: 110, Minutes: 7 * 60, Stock: 22, MinQty: 6,
	},
	{
		Slug: "medias-alpaca", Group: "tejedoras-killa-suyu",
		NameES: "Medias de alpaca", NameEN: "Alpaca socks",
		DescriptionES: "Medias gruesas de alpaca tejidas a mano con cinco agujas, con una greca de rombos en la caña. " +
			"Tallas 36–40 y 41–44; para casa o botas.",
		DescriptionEN: "Thick hand-knitted alpaca socks made on five needles, with a diamond border at the leg. " +
			"Sizes EU 36–40 and 41–44; for the house or boots.",
		Soles: 55, Minutes: 210, Stock: 30, MinQty: 10,
	},

	// Ceramistas Hatun Pukara — Pucará bulls
	{
		Slug: "torito-pucara-grande", Group: "ceramistas-hatun-pukara",
		NameES: "Torito de Pucará grande", NameEN: "Large Pucará bull",
		DescriptionES: "Torito de cerámica de 30 cm de largo con la boca abierta, la lengua afuera y los ojos grandes, decorado con flores, puntos y una guirnalda en el cuello. " +
			"Es una vasija: tiene una abertura en el lomo. Protege la casa y trae prosperidad.",
		DescriptionEN: "A 30 cm long ceramic bull with its mouth open, tongue out and big eyes, decorated with flowers, dots and a garland round its neck. " +
			"It is a vessel, with an opening in its back. It guards the house and brings prosperity.",
		Soles: 160, Minutes: 9 * 60, Stock: 7, MinQty: 3, Featured: true,
	},
	{
		Slug: "par-toritos-tejado", Group: "ceramistas-hatun-pukara",
		NameES: "Par de toritos para el tejado", NameEN: "Pair of roof bulls",
		DescriptionES: "Dos toritos de 15 cm, uno ocre y otro terracota, como los que se colocan en la cumbrera de las casas del altiplano, a cada lado de una cruz. " +
			"Pintados con engobes.",
		DescriptionEN: "Two 15 cm bulls, one ochre and one terracotta, like those set on the ridge of highland houses on either side of a cross. " +
			"Painted with slips.",
		Soles: 95, Minutes: 330, Stock: 14, MinQty: 4,
	},
	{
		Slug: "torito-pucara-mediano", Group: "ceramistas-hatun-pukara",
		NameES: "Torito de Pucará mediano", NameEN: "Medium Pucará bull",
		DescriptionES: "Torito de 18 cm de largo en terracota con decoración de puntos crema y una franja roja. " +
			"Un regalo tradicional para una casa nueva.",
		DescriptionEN: "An 18 cm long terracotta bull decorated with cream dots and a red band. " +
			"A traditional gift for a new home.",
		Soles: 70, Minutes: 4 * 60, Stock: 20, MinQty: 6,
	},
	{
		Slug: "torito-pucara-miniatura", Group: "ceramistas-hatun-pukara",
		NameES: "Torito de Pucará miniatura", NameEN: "Miniature Pucará bull",
		DescriptionES: "Torito de 6 cm, hecho en molde y pintado a mano. " +
			"Para una repisa, un escritorio o como detalle de boda.",
		DescriptionEN: "A 6 cm bull, moulded and hand-painted. " +
			"For a shelf or a desk, or as a wedding favour.",
		Soles: 28, Minutes: 90, Stock: 40, MinQty: 12,
	},

	// Taller Toritos de Santiago — Pucará bulls
	{
		Slug: "alcancia-torito", Group: "toritos-santiago",
		NameES: "Alcancía torito", NameEN: "Bull money box",
		DescriptionES: "Torito de 16 cm con ranura en el lomo para ahorrar monedas y tapón de corcho en la panza. " +
			"Pintado con flores en rojo y amarillo.",
		DescriptionEN: "A 16 cm bull with a slot in its back for saving coins and a cork stopper underneath. " +
			"Painted with red and yellow flowers.",
		Soles: 55, Minutes: 190, Stock: 18, MinQty: 6,
	},
	{
		Slug: "torito-ceremonial-floreado", Group: "toritos-santiago",
		NameES: "Torito ceremonial floreado", NameEN: "Flowered ceremonial bull",
		DescriptionES: "Torito de 35 cm de largo, el tamaño de las vasijas de la herranza, cubierto de flores, espirales y puntos pintados a mano. " +
			"Una pieza central para una sala.",
		DescriptionEN: "A 35 cm long bull, the size of the vessels used at the cattle-marking feast, covered in hand-painted flowers, spirals and dots. " +
			"A centrepiece for a living room.",
		Soles: 210, Minutes: 13 * 60, Stock: 5, MinQty: 3,
	},
	{
		Slug: "torito-negro-vidriado", Group: "toritos-santiago",
		NameES: "Torito negro vidriado", NameEN: "Black glazed bull",
		DescriptionES: "Torito de 20 cm de largo con vidriado negro brillante y detalles en blanco y dorado en los cuernos y el collar. " +
			"Quemado dos veces.",
		DescriptionEN: "A 20 cm long bull with a glossy black glaze and white and gold details on the horns and collar. " +
			"Fired twice.",
		TechniqueES: "Modelado, vidriado y quemado dos veces", TechniqueEN: "Modelled, glazed and fired twice",
		MaterialsES: "Arcilla de Pucará, vidriado sin plomo", MaterialsEN: "Pucará clay, lead-free glaze",
		Soles: 120, Minutes: 7 * 60, Stock: 9, MinQty: 4,
	},

	// Plateros de Villa El Salvador — silver filigree
	{
		Slug: "aretes-filigrana-colibri", Group: "plateros-villa-el-salvador",
		NameES: "Aretes de filigrana Colibrí", NameEN: "Hummingbird filigree earrings",
		DescriptionES: "Aretes de 4,5 cm de plata 950 en filigrana: un colibrí sobre una roseta de espirales, con gancho de plata. " +
			"Ligeros (4 g cada uno); llegan en una cajita de cartón reciclado.",
		DescriptionEN: "4.5 cm earrings in 950 silver filigree: a hummingbird over a rosette of spirals, with silver hooks. " +
			"Light (4 g each); they come in a recycled cardboard box.",
		Soles: 140, Minutes: 7 * 60, Stock: 15, MinQty: 4, Featured: true,
	},
	{
		Slug: "broche-filigrana-mariposa", Group: "plateros-villa-el-salvador",
		NameES: "Broche de filigrana Mariposa", NameEN: "Butterfly filigree brooch",
		DescriptionES: "Broche de 5 × 4 cm en forma de mariposa, con alas de filigrana rellenas de espirales y cierre de seguridad. " +
			"Para solapa, chal o sombrero.",
		DescriptionEN: "A 5 × 4 cm butterfly brooch with filigree wings filled with spirals and a safety clasp. " +
			"For a lapel, a shawl or a hat.",
		Soles: 120, Minutes: 6 * 60, Stock: 10, MinQty: 4,
	},
	{
		Slug: "collar-filigrana-inti", Group: "plateros-villa-el-salvador",
		NameES: "Collar con dije de filigrana Inti", NameEN: "Inti filigree pendant necklace",
		DescriptionES: "Dije de 3,5 cm con el sol andino (Inti) en filigrana, en cadena de plata 950 de 45 cm. " +
			"Cada rayo está hecho de un hilo torcido y enrollado a mano.",
		DescriptionEN: "A 3.5 cm pendant with the Andean sun (Inti) in filigree, on a 45 cm 950 silver chain. " +
			"Every ray is a thread twisted and coiled by hand.",
		Soles: 220, Minutes: 10 * 60, Stock: 6, MinQty: 3,
	},

	// Taller Hilo de Plata — silver filigree
	{
		Slug: "aretes-cantuta", Group: "hilo-de-plata",
		NameES: "Aretes de filigrana Flor de cantuta", NameEN: "Cantuta flower filigree earrings",
		DescriptionES: "Aretes colgantes de 4 cm con la flor de cantuta, la flor nacional del Perú, en filigrana de plata 950. " +
			"Gancho de plata con tope de silicona.",
		DescriptionEN: "4 cm drop earrings with the cantuta, Peru's national flower, in 950 silver filigree. " +
			"Silver hooks with silicone stoppers.",
		Soles: 110, Minutes: 5 * 60, Stock: 18, MinQty: 4,
	},
	{
		Slug: "pulsera-filigrana", Group: "hilo-de-plata",
		NameES: "Pulsera de filigrana con rosetas", NameEN: "Filigree rosette bracelet",
		DescriptionES: "Pulsera de 18 cm con siete rosetas de filigrana unidas por eslabones y cierre de gancho. " +
			"Plata 950, hecha y firmada a mano.",
		DescriptionEN: "An 18 cm bracelet of seven filigree rosettes joined by links, with a hook clasp. " +
			"950 silver, made and signed by hand.",
		Soles: 160, Minutes: 8 * 60, Stock: 10, MinQty: 4,
	},
	{
		Slug: "anillo-filigrana", Group: "hilo-de-plata",
		NameES: "Anillo de filigrana", NameEN: "Filigree ring",
		DescriptionES: "Anillo de plata 950 con una roseta de filigrana de 1,5 cm. " +
			"Tallas 6 a 9; la artesana ajusta la talla en el pedido mayorista.",
		DescriptionEN: "A 950 silver ring with a 1.5 cm filigree rosette. " +
			"Sizes 6 to 9; the artisan adjusts sizes on wholesale orders.",
		Soles: 85, Minutes: 4 * 60, Stock: 16, MinQty: 6,
	},

	// Nacimientos Nuevo Amanecer — nativities, Huaycán
	{
		Slug: "nacimiento-retablo-grande", Group: "nacimientos-huaycan",
		NameES: "Gran retablo de Navidad", NameEN: "Large Christmas retablo",
		DescriptionES: "Retablo de 45 × 30 cm con el nacimiento en el piso alto, bajo la estrella, y abajo los pastores, los reyes y los músicos que llegan con regalos de la sierra. " +
			"Puertas pintadas con flores y ángeles.",
		DescriptionEN: "A 45 × 30 cm retablo with the nativity on the upper floor under the star, and below the shepherds, kings and musicians arriving with gifts from the highlands. " +
			"Doors painted with flowers and angels.",
		TechniqueES: "Caja de madera ensamblada; figuras modeladas en pasta y pintadas a mano", TechniqueEN: "Assembled wooden box; figures modelled in paste and hand-painted",
		MaterialsES: "Madera de cedro, pasta de papa y yeso, pintura acrílica", MaterialsEN: "Cedar wood, potato-and-plaster paste, acrylic paint",
		Soles: 480, Minutes: 30 * 60, Stock: 3, MinQty: 3, Featured: true,
	},
	{
		Slug: "nacimiento-ceramica-quinua", Group: "nacimientos-huaycan",
		NameES: "Nacimiento de cerámica estilo Quinua, 12 piezas", NameEN: "Quinua-style ceramic nativity, 12 pieces",
		DescriptionES: "Doce figuras de 5 a 12 cm en cerámica crema y terracota: la Sagrada Familia, tres reyes, pastores, músicos, una llama y una vaca. " +
			"Llegan envueltas una por una.",
		DescriptionEN: "Twelve figures from 5 to 12 cm in cream and terracotta ceramic: the Holy Family, three kings, shepherds, musicians, a llama and a cow. " +
			"Each arrives wrapped separately.",
		TechniqueES: "Modelado a mano, pintado con engobes y quemado a leña", TechniqueEN: "Hand-modelled, painted with slips and wood-fired",
		MaterialsES: "Arcilla, engobes naturales", MaterialsEN: "Clay, natural slips",
		Soles: 220, Minutes: 13 * 60, Stock: 8, MinQty: 3,
	},
	{
		Slug: "nacimiento-mate-burilado", Group: "nacimientos-huaycan",
		NameES: "Nacimiento en mate burilado", NameEN: "Carved gourd nativity",
		DescriptionES: "Mate de 12 cm abierto por delante como una cueva, con la Sagrada Familia modelada dentro y escenas navideñas grabadas por fuera. " +
			"Se apoya en su base.",
		DescriptionEN: "A 12 cm gourd opened at the front like a cave, with the Holy Family modelled inside and Christmas scenes engraved outside. " +
			"It stands on its own base.",
		TechniqueES: "Mate burilado y calado; figuras modeladas en pasta", TechniqueEN: "Carved and cut-out gourd; figures modelled in paste",
		MaterialsES: "Calabaza seca, pasta de papa y yeso, pintura acrílica", MaterialsEN: "Dried gourd, potato-and-plaster paste, acrylic paint",
		Soles: 85, Minutes: 330, Stock: 14, MinQty: 6,
	},
	{
		Slug: "nacimiento-andino-llamas", Group: "nacimientos-huaycan",
		NameES: "Nacimiento andino con llamas", NameEN: "Andean nativity with llamas",
		DescriptionES: "Siete piezas de cerámica de 4 a 10 cm: la Virgen con manta, San José con chullo, el Niño en su cuna, dos pastoras y dos llamas. " +
			"Colores vivos pintados a mano.",
		DescriptionEN: "Seven ceramic pieces from 4 to 10 cm: Mary in a shawl, Joseph in a chullo, the Child in his crib, two shepherdesses and two llamas. " +
			"Bright, hand-painted colours.",
		TechniqueES: "Modelado a mano, pintado y quemado a leña", TechniqueEN: "Hand-modelled, painted and wood-fired",
		MaterialsES: "Arcilla, engobes y pintura natural", MaterialsEN: "Clay, slips and natural paint",
		Soles: 140, Minutes: 9 * 60, Stock: 10, MinQty: 4,
	},
}
