/* mqgen test fixture: the configuration the fixture is "built" with. */
#define CONFIG_MQGEN_ON 1
#define CONFIG_BLK_DEBUG_FS 1
#define CONFIG_64BIT 1
#define CONFIG_X86_64 1
