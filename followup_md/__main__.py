from followup_md.cli import main

main()
