from learn.cli.main import main

main()
