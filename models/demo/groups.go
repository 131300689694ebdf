package demo

import "github.com/ciap/qhatu/models"

// The names below are fictional; places, crafts and ways of working are
// modelled on CIAP's member groups.

var associations = []AssociationSpec{
	{Slug: "asoc-ayllu-retablo", Name: "Asociación Artesanal Ayllu Retablo", Region: models.RegionAyacucho},
	{Slug: "asoc-mujeres-illapa", Name: "Asociación de Mujeres Artesanas Illapa Warmi", Region: models.RegionAyacucho},
	{Slug: "asoc-tejedoras-santa-ana", Name: "Asociación de Tejedoras Awaq Maki de Santa Ana", Region: models.RegionAyacucho},
	{Slug: "asoc-ceramistas-quinua", Name: "Asociación de Ceramistas Pampa de Quinua", Region: models.RegionAyacucho},
	{Slug: "asoc-tallistas-yuraq-rumi", Name: "Asociación de Tallistas Yuraq Rumi", Region: models.RegionAyacucho},
	{Slug: "asoc-burilistas-mantaro", Name: "Asociación de Burilistas Mantaro Mayu", Region: models.RegionJunin},
	{Slug: "asoc-artesanas-wanka", Name: "Asociación de Artesanas Wanka Sisa", Region: models.RegionJunin},
	{Slug: "asoc-hilanderas-mantaro", Name: "Asociación de Hilanderas del Valle", Region: models.RegionJunin},
	{Slug: "asoc-tejedoras-titicaca", Name: "Asociación de Tejedoras Qhapaq Quta", Region: models.RegionPuno},
	{Slug: "asoc-tejedoras-juliaca", Name: "Asociación de Tejedoras Killa Suyu", Region: models.RegionPuno},
	{Slug: "asoc-ceramistas-pucara", Name: "Asociación de Ceramistas Hatun Pukara", Region: models.RegionPuno},
	{Slug: "asoc-plateros-sur", Name: "Asociación de Plateros Filigrana del Sur", Region: models.RegionLima},
	{Slug: "asoc-filigrana-cono-este", Name: "Asociación de Artesanas Hilo de Plata", Region: models.RegionLima},
	{Slug: "asoc-nuevo-amanecer", Name: "Asociación de Artesanos Nuevo Amanecer de Huaycán", Region: models.RegionLima},
}

var groups = []GroupSpec{
	// Ayacucho
	{
		Slug: "taller-puka-wasi", Name: "Taller Familiar Puka Wasi", Association: "asoc-ayllu-retablo",
		Region: models.RegionAyacucho, Place: "Huamanga", Craft: models.CraftRetablo,
		Artisans: 38, WomenPercent: 58, Cadence: models.CadenceWeekly,
		StoryES: "Puka Wasi nació en 1994, cuando cinco familias retablistas del barrio de Belén dejaron de vender a los intermediarios de la plaza y empezaron a vender juntas. " +
			"Sus retablos son cajas de cedro con dos puertas y pisos de figuras modeladas en pasta de papa y yeso, pintadas a mano con pinceles finos. " +
			"La asamblea se reúne cada semana y, con el fondo comunal, paga consultas médicas y medicinas a los talleres que lo necesitan. " +
			"Cada marzo compra útiles escolares para los hijos de todos los socios.",
		StoryEN: "Puka Wasi began in 1994, when five retablo-making families in the Belén district stopped selling to the middlemen on the square and started selling together. " +
			"Their retablos are cedar boxes with two doors and floors of figures modelled in potato paste and plaster, painted by hand with fine brushes. " +
			"The assembly meets every week and uses the community fund to pay doctor's visits and medicines for workshops in need. " +
			"Every March it buys school supplies for all members' children.",
	},
	{
		Slug: "mujeres-illapa", Name: "Grupo de Mujeres Retablistas Illapa", Association: "asoc-mujeres-illapa",
		Region: models.RegionAyacucho, Place: "Huamanga", Craft: models.CraftRetablo,
		Artisans: 28, WomenPercent: 86, Cadence: models.CadenceWeekly,
		StoryES: "Illapa lo formaron en 2001 mujeres que aprendieron el oficio mirando trabajar a sus padres y esposos, pero que nunca firmaban sus piezas. " +
			"Sus retablos cuentan la vida de las mujeres andinas: el mercado, la cosecha, el telar y la fiesta. " +
			"En la asamblea semanal deciden el uso del fondo comunal, que cubre análisis y controles de salud de las socias y un botiquín común. " +
			"Hoy enseñan el modelado y la pintura a sus hijas en el local del grupo.",
		StoryEN: "Illapa was founded in 2001 by women who had learnt the craft by watching their fathers and husbands, but never signed their own pieces. " +
			"Their retablos tell the life of Andean women: the market, the harvest, the loom and the feast. " +
			"At the weekly assembly they decide how to use the community fund, which covers the members' health check-ups and a shared first-aid kit. " +
			"Today they teach modelling and painting to their daughters in the group's workshop.",
	},
	{
		Slug: "tejedoras-qolla-sisa", Name: "Tejedoras Qolla Sisa", Association: "asoc-tejedoras-santa-ana",
		Region: models.RegionAyacucho, Place: "Santa Ana, Huamanga", Craft: models.CraftTapestry,
		Artisans: 48, WomenPercent: 79, Cadence: models.CadenceMonthly,
		StoryES: "Las familias de Qolla Sisa tejen tapices en telar de pedal desde hace generaciones en el barrio de Santa Ana. " +
			"En 1996 se organizaron para comprar juntas la lana y los tintes naturales: cochinilla para los rojos, nogal para los marrones, chilca para los verdes. " +
			"Sus diseños vienen de la iconografía wari: rombos escalonados, chakanas y caminos. " +
			"La asamblea mensual destina el fondo comunal a un seguro de salud para las tejedoras mayores y a becas de útiles escolares.",
		StoryEN: "Qolla Sisa's families have woven tapestries on treadle looms in the Santa Ana district for generations. " +
			"In 1996 they organised to buy wool and natural dyes together: cochineal for reds, walnut for browns, chilca for greens. " +
			"Their designs come from Wari iconography: stepped diamonds, chakana crosses and paths. " +
			"The monthly assembly spends the community fund on health insurance for the older weavers and on school-supply grants.",
	},
	{
		Slug: "tejedoras-sara-tika", Name: "Tejedoras Sara Tika", Association: "asoc-tejedoras-santa-ana",
		Region: models.RegionAyacucho, Place: "Santa Ana, Huamanga", Craft: models.CraftTapestry,
		Artisans: 30, WomenPercent: 70, Cadence: models.CadenceMonthly,
		StoryES: "Sara Tika empezó en 2005 como un taller de jóvenes tejedores que querían renovar el tapiz de Santa Ana sin perder sus técnicas. " +
			"Combinan los tintes naturales con diseños nuevos: la Pachamama, los apus y el maíz. " +
			"Cada mes la asamblea revisa las cuentas y decide el fondo comunal: este año pagó lentes para los tejedores y útiles para 40 escolares. " +
			"Los tejedores más antiguos enseñan a los nuevos a escarmenar, hilar y teñir.",
		StoryEN: "Sara Tika started in 2005 as a workshop of young weavers who wanted to renew Santa Ana tapestry without losing its techniques. " +
			"They combine natural dyes with new designs: Pachamama, the apus (mountain spirits) and maize. " +
			"Every month the assembly reviews the accounts and decides on the community fund: this year it paid for weavers' glasses and school supplies for 40 children. " +
			"The senior weavers teach newcomers to card, spin and dye.",
	},
	{
		Slug: "ceramistas-pampa-quinua", Name: "Ceramistas de la Pampa", Association: "asoc-ceramistas-quinua",
		Region: models.RegionAyacucho, Place: "Quinua", Craft: models.CraftCeramics,
		Artisans: 38, WomenPercent: 61, Cadence: models.CadenceMonthly,
		StoryES: "En Quinua se pone una iglesita de barro sobre el techo de cada casa nueva, para protegerla. " +
			"Los ceramistas de la Pampa se unieron en 1993 para hornear juntos en un horno comunal y dejar de vender sus piezas a precio de barro. " +
			"Modelan a mano con arcilla roja de la zona, pintan con engobes de tierras blancas y rojizas y queman a leña. " +
			"La asamblea mensual usa el fondo comunal para emergencias de salud y para uniformes y útiles escolares.",
		StoryEN: "In Quinua a small clay church is set on the roof of every new house to protect it. " +
			"The Pampa potters joined together in 1993 to fire in a shared kiln and stop selling their pieces for the price of clay. " +
			"They model by hand with the local red clay, paint with white and reddish earth slips and fire with wood. " +
			"The monthly assembly uses the community fund for health emergencies and for school uniforms and supplies.",
	},
	{
		Slug: "ceramistas-wari-manka", Name: "Taller Wari Manka", Association: "asoc-ceramistas-quinua",
		Region: models.RegionAyacucho, Place: "Quinua", Craft: models.CraftCeramics,
		Artisans: 26, WomenPercent: 58, Cadence: models.CadenceWeekly,
		StoryES: "Wari Manka reúne desde 2003 a ceramistas de Quinua especializados en figuras: músicos, vendedoras del mercado y animales. " +
			"Cada pieza se modela a mano, se pule con piedra y se pinta con engobes antes de la quema. " +
			"La asamblea se reúne cada semana, reparte los pedidos según la capacidad de cada familia y decide el fondo comunal, " +
			"que compró una silla de ruedas para un socio y paga útiles escolares cada año.",
		StoryEN: "Since 2003 Wari Manka has brought together Quinua potters who specialise in figures: musicians, market women and animals. " +
			"Each piece is modelled by hand, burnished with a stone and painted with slips before firing. " +
			"The assembly meets every week, shares out orders according to each family's capacity and decides on the community fund, " +
			"which bought a wheelchair for a member and pays for school supplies every year.",
	},
	{
		Slug: "tallistas-yuraq-rumi", Name: "Tallistas Yuraq Rumi", Association: "asoc-tallistas-yuraq-rumi",
		Region: models.RegionAyacucho, Place: "Huamanga", Craft: models.CraftStoneCarving,
		Artisans: 24, WomenPercent: 55, Cadence: models.CadenceMonthly,
		StoryES: "La piedra de Huamanga es un alabastro blanco y suave que se talla con cuchillas, limas y lijas. " +
			"Yuraq Rumi (piedra blanca en quechua) se formó en 1998 cuando los tallistas del barrio de Carmen Alto decidieron comprar juntos la piedra en las canteras. " +
			"La asamblea mensual administra el fondo comunal: mascarillas y controles respiratorios para los tallistas, y útiles escolares para sus hijos. " +
			"Las mujeres del grupo se encargan del pulido y el acabado con cera.",
		StoryEN: "Huamanga stone is a soft white alabaster carved with knives, files and sandpaper. " +
			"Yuraq Rumi (white stone in Quechua) formed in 1998 when the carvers of the Carmen Alto district decided to buy stone from the quarries together. " +
			"The monthly assembly manages the community fund: dust masks and lung check-ups for the carvers, and school supplies for their children. " +
			"The women of the group do the polishing and the wax finish.",
	},
	{
		Slug: "nacimientos-huamanga", Name: "Taller de Nacimientos Belén Llaqta", Association: "asoc-mujeres-illapa",
		Region: models.RegionAyacucho, Place: "Huamanga", Craft: models.CraftNativity,
		Artisans: 22, WomenPercent: 73, Cadence: models.CadenceWeekly,
		StoryES: "En Ayacucho la Navidad y la Semana Santa se celebran con fervor, y los nacimientos andinos son parte de cada hogar. " +
			"Belén Llaqta nació en 2008, cuando retablistas y tallistas de la asociación se juntaron para hacer nacimientos en retablo y en piedra de Huamanga. " +
			"La Virgen lleva manta, San José chullo y los pastores traen llamas y alpacas. " +
			"La asamblea semanal reparte el trabajo y usa el fondo comunal para ayudas de salud y la campaña escolar de marzo.",
		StoryEN: "In Ayacucho Christmas and Holy Week are celebrated with devotion, and Andean nativity scenes are part of every home. " +
			"Belén Llaqta was born in 2008, when retablo makers and stone carvers of the association joined to make nativities in retablos and Huamanga stone. " +
			"Mary wears a shawl, Joseph a chullo and the shepherds bring llamas and alpacas. " +
			"The weekly assembly shares out the work and uses the community fund for health aid and the March back-to-school campaign.",
	},
	// Junín
	{
		Slug: "burilistas-cochas-chico", Name: "Burilistas de Cochas Chico", Association: "asoc-burilistas-mantaro",
		Region: models.RegionJunin, Place: "Cochas Chico, Huancayo", Craft: models.CraftGourd,
		Artisans: 42, WomenPercent: 64, Cadence: models.CadenceWeekly,
		StoryES: "En Cochas Chico casi todas las familias buril mates: calabazas secas que se graban con un buril de acero y se tiñen quemando la superficie con un tizón de quinual. " +
			"El grupo se organizó en 1992 para vender directamente y dejar de depender de los acopiadores de Huancayo. " +
			"Sus mates cuentan la vida del valle del Mantaro: la siembra, la herranza, el Santiago y la fiesta de la Tunantada. " +
			"La asamblea semanal usa el fondo comunal para atención médica de emergencia y útiles escolares.",
		StoryEN: "In Cochas Chico almost every family carves gourds: dried gourds engraved with a steel burin and shaded by scorching the surface with a glowing quinual ember. " +
			"The group organised in 1992 to sell directly and stop depending on the traders of Huancayo. " +
			"Their gourds tell the life of the Mantaro valley: sowing, the cattle-marking herranza, the Santiago feast and the Tunantada dance. " +
			"The weekly assembly uses the community fund for emergency medical care and school supplies.",
	},
	{
		Slug: "burilistas-cochas-grande", Name: "Mates Burilados Hatun Cochas", Association: "asoc-burilistas-mantaro",
		Region: models.RegionJunin, Place: "Cochas Grande, Huancayo", Craft: models.CraftGourd,
		Artisans: 32, WomenPercent: 72, Cadence: models.CadenceMonthly,
		StoryES: "Hatun Cochas reúne desde 1997 a familias burilistas de Cochas Grande, al otro lado de la quebrada. " +
			"Graban a mano escenas de cosecha, aves y flores, y también hacen cajas, azucareras y joyeros de mate. " +
			"Las socias llevan las cuentas del grupo y la asamblea mensual decide el fondo comunal: medicinas, controles de vista y útiles escolares. " +
			"Compran los mates secos a agricultores de la costa norte con un precio acordado cada año.",
		StoryEN: "Since 1997 Hatun Cochas has brought together gourd-carving families from Cochas Grande, across the ravine. " +
			"They engrave harvest scenes, birds and flowers by hand, and also make gourd boxes, sugar bowls and jewellery boxes. " +
			"The women members keep the group's accounts, and the monthly assembly decides on the community fund: medicines, eye tests and school supplies. " +
			"They buy dried gourds from farmers on the northern coast at a price agreed every year.",
	},
	{
		Slug: "mates-warmi-cochas", Name: "Warmi Mate", Association: "asoc-artesanas-wanka",
		Region: models.RegionJunin, Place: "Cochas Chico, Huancayo", Craft: models.CraftGourd,
		Artisans: 28, WomenPercent: 89, Cadence: models.CadenceWeekly,
		StoryES: "Warmi Mate es un grupo de mujeres burilistas fundado en 2004 en Cochas Chico. " +
			"Se especializan en el mate quemado: tras grabar el dibujo, sombrean con un tizón encendido hasta lograr tonos dorados y marrones, y perforan las piezas para hacer lámparas. " +
			"Se reúnen cada semana; el fondo comunal cubre controles de salud para las socias y sus hijos y la compra de útiles escolares. " +
			"Varias socias aprendieron a leer y escribir en talleres que el grupo organizó.",
		StoryEN: "Warmi Mate is a group of women gourd carvers founded in 2004 in Cochas Chico. " +
			"They specialise in scorched gourds: after engraving the drawing, they shade it with a glowing ember into golden and brown tones, and pierce pieces to make lamps. " +
			"They meet every week; the community fund covers health check-ups for members and their children and the purchase of school supplies. " +
			"Several members learnt to read and write in workshops the group organised.",
	},
	{
		Slug: "hilanderas-mantaro", Name: "Hilanderas del Mantaro", Association: "asoc-hilanderas-mantaro",
		Region: models.RegionJunin, Place: "Hualhuas, valle del Mantaro", Craft: models.CraftWeaving,
		Artisans: 46, WomenPercent: 80, Cadence: models.CadenceMonthly,
		StoryES: "En Hualhuas, en el valle del Mantaro, se teje lana de oveja en telar de pedal desde la Colonia. " +
			"Las Hilanderas del Mantaro se organizaron en 1995 para hilar a mano con pushka, teñir con plantas del valle y vender mantas, chalinas y bolsos sin intermediarios. " +
			"La asamblea mensual decide el fondo comunal, que paga atención médica para las hilanderas mayores y útiles escolares para los niños del grupo.",
		StoryEN: "In Hualhuas, in the Mantaro valley, sheep's wool has been woven on treadle looms since colonial times. " +
			"The Hilanderas del Mantaro organised in 1995 to spin by hand with a drop spindle (pushka), dye with valley plants and sell blankets, scarves and bags without middlemen. " +
			"The monthly assembly decides on the community fund, which pays for medical care for the older spinners and school supplies for the group's children.",
	},
	{
		Slug: "chumpi-viques", Name: "Tejedoras de Chumpi de Viques", Association: "asoc-artesanas-wanka",
		Region: models.RegionJunin, Place: "Viques, Huancayo", Craft: models.CraftWeaving,
		Artisans: 38, WomenPercent: 92, Cadence: models.CadenceWeekly,
		StoryES: "En Viques las mujeres tejen chumpis, fajas largas de colores, en telar de cintura: un extremo atado a un poste y el otro a la propia cintura. " +
			"El grupo nació en 2000 para que las tejedoras cobraran por su trabajo lo que vale: una faja de tres metros lleva días. " +
			"Cada semana la asamblea revisa los pedidos y el fondo comunal, que se usa para ayudas de salud, un fondo para partos y útiles escolares. " +
			"Los diseños, como el ojo de perdiz y el rombo, pasan de madres a hijas.",
		StoryEN: "In Viques women weave chumpis, long colourful sashes, on backstrap looms: one end tied to a post and the other to the weaver's own waist. " +
			"The group was born in 2000 so that weavers would be paid what their work is worth: a three-metre sash takes days. " +
			"Every week the assembly reviews orders and the community fund, which goes to health aid, a maternity fund and school supplies. " +
			"Designs such as the partridge eye and the diamond pass from mothers to daughters.",
	},
	// Puno
	{
		Slug: "tejedoras-qhapaq-quta", Name: "Tejedoras Qhapaq Quta", Association: "asoc-tejedoras-titicaca",
		Region: models.RegionPuno, Place: "Puno", Craft: models.CraftKnitwear,
		Artisans: 56, WomenPercent: 95, Cadence: models.CadenceWeekly,
		StoryES: "Qhapaq Quta (lago grande) reúne a tejedoras aymaras y quechuas de los barrios altos de Puno, a orillas del Titicaca. " +
			"Empezaron en 1993 tejiendo a palitos chullos y chompas de alpaca para un solo comprador que fijaba el precio; hoy venden con CIAP a precio justo. " +
			"Tejen mientras pastan sus animales o en las reuniones, con lana de alpaca y baby alpaca hilada en la región. " +
			"La asamblea semanal usa el fondo comunal para medicinas, controles de salud y útiles escolares.",
		StoryEN: "Qhapaq Quta (great lake) brings together Aymara and Quechua knitters from the upper districts of Puno, on the shore of Lake Titicaca. " +
			"They started in 1993 hand-knitting alpaca chullos and sweaters for a single buyer who set the price; today they sell with CIAP at a fair price. " +
			"They knit while grazing their animals or at meetings, with alpaca and baby alpaca yarn spun in the region. " +
			"The weekly assembly uses the community fund for medicines, health check-ups and school supplies.",
	},
	{
		Slug: "punto-chanu-chanu", Name: "Grupo de Punto Chanu Chanu", Association: "asoc-tejedoras-titicaca",
		Region: models.RegionPuno, Place: "Puno", Craft: models.CraftKnitwear,
		Artisans: 36, WomenPercent: 94, Cadence: models.CadenceMonthly,
		StoryES: "Este grupo de tejedoras se formó en 2006 en el barrio Chanu Chanu de Puno, alrededor de un comedor popular. " +
			"Tejen a palitos y a crochet prendas para niños, chalinas caladas y chullos, con motivos de llamas, cóndores y flores del altiplano. " +
			"La asamblea mensual decide el fondo comunal: sostiene el comedor en los meses de helada, paga consultas médicas y compra útiles escolares. " +
			"Las tejedoras con más experiencia revisan cada prenda antes de enviarla.",
		StoryEN: "This knitting group formed in 2006 in the Chanu Chanu district of Puno, around a community kitchen. " +
			"They knit and crochet children's clothes, lace scarves and chullos, with motifs of llamas, condors and highland flowers. " +
			"The monthly assembly decides on the community fund: it supports the kitchen in the frost months, pays doctor's visits and buys school supplies. " +
			"The most experienced knitters check every garment before it is shipped.",
	},
	{
		Slug: "tejedoras-killa-suyu", Name: "Tejedoras Killa Suyu", Association: "asoc-tejedoras-juliaca",
		Region: models.RegionPuno, Place: "Juliaca", Craft: models.CraftKnitwear,
		Artisans: 50, WomenPercent: 91, Cadence: models.CadenceWeekly,
		StoryES: "Killa Suyu (tierra de la luna) agrupa desde 1999 a tejedoras de las comunidades alrededor de Juliaca, la ciudad de la lana del altiplano. " +
			"Compran el hilo de alpaca directamente a hilanderías de la región y tejen ponchos, chullos y medias con diseños de sus comunidades. " +
			"La asamblea semanal administra el fondo comunal, que da préstamos de emergencia para salud y compra útiles escolares cada marzo.",
		StoryEN: "Since 1999 Killa Suyu (land of the moon) has grouped knitters from the communities around Juliaca, the wool city of the highlands. " +
			"They buy alpaca yarn directly from regional spinning mills and knit ponchos, chullos and socks with their communities' designs. " +
			"The weekly assembly manages the community fund, which gives emergency loans for health care and buys school supplies every March.",
	},
	{
		Slug: "ceramistas-hatun-pukara", Name: "Ceramistas Hatun Pukara", Association: "asoc-ceramistas-pucara",
		Region: models.RegionPuno, Place: "Pucará", Craft: models.CraftPucaraBull,
		Artisans: 30, WomenPercent: 57, Cadence: models.CadenceMonthly,
		StoryES: "El torito de Pucará es una vasija ceremonial: en la herranza se llenaba con chicha para pedir la fertilidad del ganado, y hoy protege los techos de las casas. " +
			"Los ceramistas de Hatun Pukara se asociaron en 1994 para compartir un horno y comprar arcilla y pigmentos juntos. " +
			"Modelan en molde y a mano, pintan con engobes y vidrian algunas piezas. " +
			"La asamblea mensual usa el fondo comunal para ayudas de salud y para útiles escolares de los hijos de los socios.",
		StoryEN: "The Pucará bull is a ceremonial vessel: at the cattle-marking feast it was filled with chicha to ask for the herd's fertility, and today it guards the roofs of houses. " +
			"The Hatun Pukara potters joined in 1994 to share a kiln and buy clay and pigments together. " +
			"They shape pieces in moulds and by hand, paint them with slips and glaze some of them. " +
			"The monthly assembly uses the community fund for health aid and for school supplies for members' children.",
	},
	{
		Slug: "toritos-santiago", Name: "Taller Toritos de Santiago", Association: "asoc-ceramistas-pucara",
		Region: models.RegionPuno, Place: "Pucará", Craft: models.CraftPucaraBull,
		Artisans: 22, WomenPercent: 60, Cadence: models.CadenceMonthly,
		StoryES: "Este taller de Pucará empezó en 2007 con diez familias que hacían toritos para la feria del pueblo. " +
			"Hoy producen toritos pintados con flores, alcancías y toritos negros vidriados, cada uno con sus ojos grandes y la lengua afuera. " +
			"Las mujeres pintan y los jóvenes preparan la arcilla. " +
			"La asamblea mensual decide el fondo comunal, que pagó el techo del taller y cubre medicinas y útiles escolares.",
		StoryEN: "This Pucará workshop began in 2007 with ten families who made bulls for the town fair. " +
			"Today they produce bulls painted with flowers, money boxes and black glazed bulls, each with its big eyes and tongue out. " +
			"The women paint and the young people prepare the clay. " +
			"The monthly assembly decides on the community fund, which paid for the workshop roof and covers medicines and school supplies.",
	},
	// Lima
	{
		Slug: "plateros-villa-el-salvador", Name: "Plateros de Villa El Salvador", Association: "asoc-plateros-sur",
		Region: models.RegionLima, Place: "Villa El Salvador, Lima", Craft: models.CraftJewellery,
		Artisans: 20, WomenPercent: 55, Cadence: models.CadenceMonthly,
		StoryES: "Los plateros de este grupo llegaron a Lima desde Ayacucho y Junín en los años ochenta y se instalaron en el arenal de Villa El Salvador. " +
			"En 1996 se organizaron para comprar plata juntos y compartir herramientas. " +
			"Trabajan la filigrana: hilos de plata 950 torcidos, enrollados y soldados a mano en flores, colibríes y mariposas. " +
			"La asamblea mensual usa el fondo comunal para ayudas de salud y para útiles escolares.",
		StoryEN: "The silversmiths of this group came to Lima from Ayacucho and Junín in the 1980s and settled on the sands of Villa El Salvador. " +
			"In 1996 they organised to buy silver together and share tools. " +
			"They work filigree: threads of 950 silver twisted, coiled and soldered by hand into flowers, hummingbirds and butterflies. " +
			"The monthly assembly uses the community fund for health aid and school supplies.",
	},
	{
		Slug: "hilo-de-plata", Name: "Taller Hilo de Plata", Association: "asoc-filigrana-cono-este",
		Region: models.RegionLima, Place: "San Juan de Lurigancho, Lima", Craft: models.CraftJewellery,
		Artisans: 16, WomenPercent: 68, Cadence: models.CadenceWeekly,
		StoryES: "Hilo de Plata es un taller de mujeres joyeras de San Juan de Lurigancho fundado en 2009 tras un curso de filigrana en su parroquia. " +
			"Hacen aretes, anillos y pulseras con flores de cantuta y diseños andinos, y cada socia firma sus piezas. " +
			"Se reúnen cada semana para repartir pedidos; el fondo comunal paga controles de salud y útiles escolares, y un fondo de cuidado infantil para las horas de taller.",
		StoryEN: "Hilo de Plata is a workshop of women jewellers in San Juan de Lurigancho founded in 2009 after a filigree course at their parish. " +
			"They make earrings, rings and bracelets with cantuta flowers and Andean designs, and each member signs her pieces. " +
			"They meet weekly to share out orders; the community fund pays for health check-ups and school supplies, and a childcare fund for workshop hours.",
	},
	{
		Slug: "nacimientos-huaycan", Name: "Nacimientos Nuevo Amanecer", Association: "asoc-nuevo-amanecer",
		Region: models.RegionLima, Place: "Huaycán, Ate, Lima", Craft: models.CraftNativity,
		Artisans: 30, WomenPercent: 77, Cadence: models.CadenceWeekly,
		StoryES: "Huaycán se pobló con familias que huyeron de la violencia en Ayacucho y Huancavelica en los años ochenta. " +
			"En 1997 un grupo de artesanas y artesanos retomó los oficios de su tierra para hacer nacimientos: en retablo, en cerámica al estilo de Quinua y en mate burilado. " +
			"La asamblea semanal decide el fondo comunal, que cubre consultas médicas, medicinas y útiles escolares para los hijos de los socios.",
		StoryEN: "Huaycán was settled by families who fled the violence in Ayacucho and Huancavelica in the 1980s. " +
			"In 1997 a group of women and men artisans took up the crafts of their homeland again to make nativity scenes: in retablos, in Quinua-style ceramics and in carved gourds. " +
			"The weekly assembly decides on the community fund, which covers doctor's visits, medicines and school supplies for members' children.",
	},
}

// craftDefault is a craft's usual technique and materials, for products
// that do not say otherwise.
type craftDefault struct {
	techniqueES, techniqueEN, materialsES, materialsEN string
}

var craftDefaults = map[models.Craft]craftDefault{
	models.CraftRetablo: {
		"Caja tallada y ensamblada; figuras modeladas a mano en pasta y pintadas con pincel fino",
		"Carved, assembled box; figures modelled by hand in paste and painted with a fine brush",
		"Madera de cedro, pasta de papa y yeso, pintura acrílica, cola",
		"Cedar wood, potato-and-plaster paste, acrylic paint, glue"},
	models.CraftTapestry: {
		"Tejido en telar de pedal, lana hilada a mano y teñida con tintes naturales",
		"Woven on a treadle loom, hand-spun wool dyed with natural dyes",
		"Lana de oveja; tintes de cochinilla, nogal, chilca e índigo",
		"Sheep's wool; cochineal, walnut, chilca and indigo dyes"},
	models.CraftCeramics: {
		"Modelado a mano, pulido con piedra, pintado con engobes y quemado a leña",
		"Hand-modelled, stone-burnished, painted with slips and wood-fired",
		"Arcilla de Quinua, engobes de tierras naturales",
		"Quinua clay, natural earth slips"},
	models.CraftStoneCarving: {
		"Tallado a mano con cuchillas y limas, lijado y pulido con cera",
		"Hand-carved with knives and files, sanded and wax-polished",
		"Piedra de Huamanga (alabastro), cera natural",
		"Huamanga stone (alabaster), natural wax"},
	models.CraftGourd: {
		"Mate burilado: grabado a mano con buril y sombreado con tizón",
		"Carved gourd: engraved by hand with a burin and shaded with an ember",
		"Calabaza seca (mate), ceniza y grasa para el teñido",
		"Dried gourd, ash and grease for the shading"},
	models.CraftKnitwear: {
		"Tejido a mano a palitos",
		"Hand-knitted on needles",
		"Lana de alpaca hilada en Puno",
		"Alpaca yarn spun in Puno"},
	models.CraftPucaraBull: {
		"Modelado en molde y a mano, pintado con engobes y quemado en horno a leña",
		"Moulded and hand-shaped, painted with slips and fired in a wood kiln",
		"Arcilla de Pucará, engobes naturales",
		"Pucará clay, natural slips"},
	models.CraftJewellery: {
		"Filigrana: hilo de plata torcido, enrollado y soldado a mano",
		"Filigree: silver thread twisted, coiled and soldered by hand",
		"Plata 950",
		"950 silver"},
	models.CraftNativity: {
		"Modelado, tallado y pintado a mano",
		"Hand-modelled, carved and painted",
		"Según la pieza: madera, pasta, arcilla, piedra o mate",
		"Depending on the piece: wood, paste, clay, stone or gourd"},
	models.CraftWeaving: {
		"Tejido en telar de cintura",
		"Woven on a backstrap loom",
		"Lana de oveja teñida con tintes naturales",
		"Sheep's wool dyed with natural dyes"},
}
