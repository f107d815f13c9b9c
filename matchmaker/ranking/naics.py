"""Short titles of NAICS 2022 codes used in explanations and synthetic data."""

from __future__ import annotations

SECTOR_TITLES: dict[str, str] = {
    "11": "Agriculture, Forestry, Fishing and Hunting", "21": "Mining", "22": "Utilities",
    "23": "Construction", "31": "Manufacturing", "32": "Manufacturing", "33": "Manufacturing",
    "42": "Wholesale Trade", "44": "Retail Trade", "45": "Retail Trade",
    "48": "Transportation and Warehousing", "49": "Transportation and Warehousing",
    "51": "Information", "52": "Finance and Insurance", "53": "Real Estate",
    "54": "Professional, Scientific, and Technical Services", "55": "Management of Companies",
    "56": "Administrative and Waste Management Services", "61": "Educational Services",
    "62": "Health Care and Social Assistance", "71": "Arts, Entertainment, and Recreation",
    "72": "Accommodation and Food Services", "81": "Other Services", "92": "Public Administration",
    "111": "Crop Production", "115": "Support Activities for Agriculture", "221": "Utilities",
    "236": "Construction of Buildings", "238": "Specialty Trade Contractors",
    "311": "Food Manufacturing", "325": "Chemical Manufacturing",
    "333": "Machinery Manufacturing", "334": "Computer and Electronic Product Manufacturing",
    "336": "Transportation Equipment Manufacturing", "484": "Truck Transportation",
    "488": "Support Activities for Transportation", "512": "Motion Picture and Sound Recording",
    "513": "Publishing Industries", "518": "Computing Infrastructure and Data Processing",
    "522": "Credit Intermediation", "541": "Professional, Scientific, and Technical Services",
    "611": "Educational Services", "621": "Ambulatory Health Care Services",
    "711": "Performing Arts and Spectator Sports", "713": "Amusement, Gambling, and Recreation",
    "721": "Accommodation",
}

INDUSTRY_TITLES: dict[str, str] = {
    "1111": "Oilseed and Grain Farming", "1114": "Greenhouse and Nursery Production",
    "1151": "Support Activities for Crop Production", "2211": "Electric Power",
    "2213": "Water, Sewage and Other Systems", "2361": "Residential Building Construction",
    "2362": "Nonresidential Building Construction", "2371": "Utility System Construction",
    "2382": "Building Equipment Contractors", "2389": "Other Specialty Trade Contractors",
    "3114": "Fruit and Vegetable Preserving", "3115": "Dairy Product Manufacturing",
    "3119": "Other Food Manufacturing", "3219": "Other Wood Product Manufacturing",
    "3241": "Petroleum and Coal Products", "3253": "Agricultural Chemical Manufacturing",
    "3254": "Pharmaceutical and Medicine Manufacturing", "3259": "Other Chemical Manufacturing",
    "3261": "Plastics Product Manufacturing", "3327": "Machine Shops",
    "3332": "Industrial Machinery Manufacturing", "3334": "HVAC Equipment Manufacturing",
    "3335": "Metalworking Machinery Manufacturing",
    "3339": "Other General Purpose Machinery Manufacturing",
    "3341": "Computer Equipment Manufacturing", "3342": "Communications Equipment Manufacturing",
    "3344": "Semiconductor and Electronic Component Manufacturing",
    "3345": "Navigational, Measuring, Electromedical Instruments",
    "3353": "Electrical Equipment Manufacturing", "3359": "Other Electrical Equipment",
    "3361": "Motor Vehicle Manufacturing", "3364": "Aerospace Product Manufacturing",
    "3391": "Medical Equipment and Supplies", "4234": "Commercial Equipment Wholesalers",
    "4244": "Grocery Wholesalers", "4595": "Used Merchandise Retailers",
    "4821": "Rail Transportation", "4841": "General Freight Trucking",
    "4851": "Urban Transit Systems", "4883": "Support Activities for Water Transportation",
    "4885": "Freight Transportation Arrangement", "4931": "Warehousing and Storage",
    "5121": "Motion Picture and Video Industries", "5122": "Sound Recording Industries",
    "5132": "Software Publishers", "5171": "Wired Telecommunications Carriers",
    "5182": "Computing Infrastructure and Data Processing", "5221": "Depository Credit",
    "5222": "Nondepository Credit Intermediation", "5223": "Activities Related to Credit",
    "5239": "Other Financial Investment Activities", "5311": "Lessors of Real Estate",
    "5413": "Architectural and Engineering Services", "5415": "Computer Systems Design",
    "5416": "Management and Technical Consulting", "5417": "Scientific Research and Development",
    "5419": "Other Professional Services", "5611": "Office Administrative Services",
    "5617": "Services to Buildings and Dwellings", "5619": "Other Support Services",
    "5621": "Waste Collection", "5629": "Remediation and Other Waste Management",
    "6113": "Colleges and Universities", "6115": "Technical and Trade Schools",
    "6117": "Educational Support Services", "6211": "Offices of Physicians",
    "6216": "Home Health Care Services", "6221": "General Medical and Surgical Hospitals",
    "6241": "Individual and Family Services", "7111": "Performing Arts Companies",
    "7112": "Spectator Sports", "7113": "Promoters of Performing Arts and Sports",
    "7115": "Independent Artists, Writers, and Performers", "7121": "Museums and Historical Sites",
    "7139": "Other Amusement and Recreation", "7211": "Traveler Accommodation",
    "7225": "Restaurants", "8112": "Electronic Equipment Repair", "8139": "Business Associations",
}


def naics_title(code: str) -> str:
    """Return a short title for a NAICS code, falling back to its closest known ancestor."""
    for n in range(len(code), 1, -1):
        title = INDUSTRY_TITLES.get(code[:n]) or SECTOR_TITLES.get(code[:n])
        if title:
            return title
    return "NAICS " + code
